"""kubectl runs the plugin on every call: its login path must load only the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pinniped.cli.cache import CredentialCache, cache_key

FORBIDDEN = ("aiohttp", "cryptography", "kubernetes", "yaml", "bcrypt", "pinniped.kube", "pinniped.certs")

PROBE = f"""
import json, runpy, sys
sys.argv = ["pinniped", *json.loads(sys.argv[1])]
code = 0
try:
    runpy.run_module("pinniped.cli", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code
forbidden = {json.dumps(FORBIDDEN)}
loaded = [m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden)]
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def probe(args: list[str], tmp_path: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    return json.loads(result.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_importing_the_entry_point_loads_nothing_heavy() -> None:
    code = f"""
import sys, pinniped.cli.__main__, pinniped.cli.login, pinniped.client
print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    assert result.stdout.strip() == "[]"


def test_static_token_login_loads_only_the_standard_library(tmp_path: Path) -> None:
    assert probe(["login", "static", "--token", "t"], tmp_path) == {"code": 0, "loaded": []}


def _concierge_login(*extra: str) -> list[str]:
    return [
        "login",
        "static",
        "--enable-concierge",
        "--concierge-authenticator-type=webhook",
        "--concierge-authenticator-name=a",
        "--concierge-endpoint=https://127.0.0.1:1",
        *extra,
    ]


def test_cache_hit_login_loads_only_the_standard_library(tmp_path: Path) -> None:
    args = _concierge_login(f"--credential-cache={tmp_path / 'c.yaml'}", "--token=t")
    now = datetime.now(UTC)
    expires = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    CredentialCache(str(tmp_path / "c.yaml"), now=lambda: now).put(
        cache_key(args, "t", None), {"expirationTimestamp": expires, "token": "cached"}
    )

    assert probe(args, tmp_path) == {"code": 0, "loaded": []}


def test_failed_exchange_loads_only_the_standard_library(tmp_path: Path) -> None:
    args = _concierge_login("--token=t", "--credential-cache=")

    assert probe(args, tmp_path) == {"code": 1, "loaded": []}


def test_probe_sees_heavy_imports_of_other_subcommands(tmp_path: Path) -> None:
    result = probe(["get", "kubeconfig", "--static-token=t", "--kubeconfig=/nonexistent"], tmp_path)

    assert result["code"] == 1
    assert "yaml" in result["loaded"]  # type: ignore[operator]
