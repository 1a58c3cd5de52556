"""Bench: the exec plugin's cache-hit path (`python -m pinniped.cli login static`) beside
`kubectl version --client`, median wall time of each over the same run.

Reports `plugin_cache_hit_vs_kubectl` = plugin median / kubectl median (target <= 1.0). No server is
needed: the cache is pre-filled for the exact arguments, so the bogus endpoint is never contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from report import report

from pinniped.cli.cache import CredentialCache, cache_key

TOKEN = "bench-user:bench-password"
CACHED_MARKER = "bench-cached-credential"


def plugin_args(cache_path: Path) -> list[str]:
    return [
        "login",
        "static",
        "--enable-concierge",
        "--concierge-api-group-suffix=pinniped.dev",
        "--concierge-authenticator-name=bench",
        "--concierge-authenticator-type=webhook",
        "--concierge-endpoint=https://127.0.0.1:1",
        f"--credential-cache={cache_path}",
        f"--token={TOKEN}",
    ]


def prefill(cache_path: Path, args: list[str]) -> None:
    now = datetime.now(UTC)
    expires = (now + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    CredentialCache(str(cache_path), now=lambda: now).put(
        cache_key(args, TOKEN, None), {"expirationTimestamp": expires, "token": CACHED_MARKER}
    )


def wall_ms(command: list[str], env: dict[str, str]) -> float:
    # No timeout: Popen.wait(timeout) polls with a doubling sleep, which would quantize the times.
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25)
    options = parser.parse_args()
    kubectl = os.environ.get("PINNIPED_KUBECTL") or shutil.which("kubectl")
    if not kubectl:
        raise SystemExit("error: kubectl not found (set PINNIPED_KUBECTL or put it on PATH)")
    env = {key: value for key, value in os.environ.items() if key != "KUBERNETES_EXEC_INFO"}

    with tempfile.TemporaryDirectory(prefix="pinniped-bench-") as directory:
        cache_path = Path(directory) / "credentials.yaml"
        args = plugin_args(cache_path)
        prefill(cache_path, args)
        plugin = [sys.executable, "-m", "pinniped.cli", *args]
        check = subprocess.run(plugin, env=env, capture_output=True, text=True, check=False, timeout=60)
        if check.returncode != 0 or json.loads(check.stdout)["status"].get("token") != CACHED_MARKER:
            raise SystemExit(f"error: the plugin did not answer from the cache: {check.stderr.strip()}")
        kubectl_command = [kubectl, "version", "--client"]
        for _warm_up in range(2):
            wall_ms(plugin, env)
            wall_ms(kubectl_command, env)
        plugin_times, kubectl_times = [], []
        for _run in range(max(options.runs, 20)):  # interleaved, so both see the same load
            plugin_times.append(wall_ms(plugin, env))
            kubectl_times.append(wall_ms(kubectl_command, env))

    plugin_ms = statistics.median(plugin_times)
    kubectl_ms = statistics.median(kubectl_times)
    report(
        "plugin_cache_hit_vs_kubectl",
        plugin_ms / kubectl_ms,
        plugin_ms=plugin_ms,
        kubectl_ms=kubectl_ms,
        runs=len(plugin_times),
    )


if __name__ == "__main__":
    main()
