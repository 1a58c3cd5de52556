"""`python -m pinniped.cli login static` as kubectl runs it, against a loopback TLS Concierge."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.cli.cli_fakes import TCR
from tests.client.fake_https import FakeServer, serve

TOKEN = "pinny:secret-password"


@pytest.fixture
def concierge() -> Iterator[FakeServer]:
    with serve(trustme.CA()) as server:
        yield server


def run_plugin(server: FakeServer, cache: Path, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    exec_info = {"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1", "spec": {}}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pinniped.cli",
            "login",
            "static",
            "--enable-concierge",
            "--concierge-authenticator-type=webhook",
            "--concierge-authenticator-name=local-user-authenticator",
            f"--concierge-endpoint={server.url}",
            f"--concierge-ca-bundle-data={base64.b64encode(server.ca_pem).decode()}",
            f"--credential-cache={cache}",
            "--token-env=PINNIPED_TEST_TOKEN",
        ],
        env={"PINNIPED_TEST_TOKEN": token, "KUBERNETES_EXEC_INFO": json.dumps(exec_info)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_second_call_is_served_from_the_cache(concierge: FakeServer, tmp_path: Path) -> None:
    credential = {
        "expirationTimestamp": "2099-01-01T00:00:00Z",
        "clientCertificateData": "C",
        "clientKeyData": "K",
    }
    concierge.routes["POST", TCR] = (201, {"status": {"credential": credential}})

    first = run_plugin(concierge, tmp_path / "cache.yaml")
    second = run_plugin(concierge, tmp_path / "cache.yaml")

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1",
        "spec": {"interactive": False},
        "status": credential,
    }
    assert second.stdout == first.stdout
    assert len(concierge.paths("POST")) == 1


def test_rejected_token_is_one_line_on_stderr(concierge: FakeServer, tmp_path: Path) -> None:
    concierge.routes["POST", TCR] = (201, {"status": {"message": "authentication failed"}})

    result = run_plugin(concierge, tmp_path / "cache.yaml")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: could not complete Concierge credential exchange: login failed: authentication failed\n"
    )
    assert TOKEN not in (tmp_path / "cache.yaml").read_text() if (tmp_path / "cache.yaml").exists() else True
