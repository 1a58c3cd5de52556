"""Every CLI failure is one line on stderr and exit status 1: no traceback, no secret."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pinniped.cli import __main__ as cli_main
from pinniped.cli.cache import API_VERSION, KIND, CredentialCache
from pinniped.cli.discovery import token_credential_request_frontend
from pinniped.cli.errors import CLIError
from pinniped.cli.whoami import format_text
from pinniped.client.concierge import _credential_from_response
from pinniped.client.errors import ConciergeRequestFailed

TOKEN = "admin-secret-token"
DEEP = "[" * 100_000


def one_error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert cli_main.main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("Error: ")
    assert "Traceback" not in err
    assert TOKEN not in err
    return err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"users:\n- name: u\n  user:\n    token: {TOKEN}: oops\n".encode(), "invalid YAML at line 4"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (DEEP.encode(), "nested too deeply"),
    ],
)
@pytest.mark.parametrize("command", [["whoami"], ["get", "kubeconfig", "--static-token", "u:p"]])
def test_unreadable_kubeconfigs_are_one_line_without_their_contents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str, command: list[str]
) -> None:
    path = tmp_path / "kubeconfig"
    path.write_bytes(content)
    assert expected in one_error_line([*command, "--kubeconfig", str(path)], capsys)


def test_deeply_nested_exec_info_is_ignored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUBERNETES_EXEC_INFO", DEEP)
    assert cli_main.main(["login", "static", "--token", "t"]) == 0
    assert json.loads(capsys.readouterr().out)["status"]["token"] == "t"


def test_unexpected_errors_are_one_line_without_their_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError(TOKEN)

    monkeypatch.setattr(cli_main, "run", broken)
    assert "unexpected RuntimeError" in one_error_line(["version"], capsys)


@pytest.mark.parametrize(
    "content", [DEEP, json.dumps({"apiVersion": API_VERSION, "kind": KIND, "credentials": 5})]
)
def test_corrupt_credential_caches_are_a_miss(tmp_path: Path, content: str) -> None:
    path = tmp_path / "credentials.yaml"
    path.write_text(content)
    assert CredentialCache(str(path), now=lambda: datetime(2030, 1, 1, tzinfo=UTC)).get("key") is None


def test_deeply_nested_concierge_answers_are_request_failures() -> None:
    with pytest.raises(ConciergeRequestFailed, match="non-JSON"):
        _credential_from_response(201, DEEP.encode())


@pytest.mark.parametrize("status", ["x", {"kubernetesUserInfo": "x"}, {"kubernetesUserInfo": {"user": []}}])
def test_whoami_renders_malformed_answers_without_crashing(status: object) -> None:
    kube = type("Kube", (), {"cluster_name": "c", "server": "https://s"})()
    assert "Username: \n" in format_text(kube, {"status": status})


@pytest.mark.parametrize("strategies", ["x", [5, {"status": "Success", "frontend": 5}]])
def test_malformed_credential_issuer_strategies_are_cli_errors(strategies: object) -> None:
    with pytest.raises(CLIError, match="no successful strategy"):
        token_credential_request_frontend({"status": {"strategies": strategies}})


def test_a_credential_issuer_list_without_a_list_of_items_is_a_cli_error() -> None:
    from pinniped.api.groups import ConciergeGroups
    from pinniped.cli.discovery import credential_issuer

    class Api:
        def get(self, path: str) -> dict[str, object]:
            return {"items": "x"}

    with pytest.raises(CLIError, match="not a CredentialIssuerList"):
        credential_issuer(Api(), ConciergeGroups(), "")  # type: ignore[arg-type]
