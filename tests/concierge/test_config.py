"""Flags and config file."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from pinniped.concierge.__main__ import main
from pinniped.concierge.config import ConfigError, parse_args


def test_defaults_match_upstream_names() -> None:
    config = parse_args(["--signer", "csr"])
    assert (config.listen_address, config.port, config.namespace) == (
        "127.0.0.1",
        10250,
        "pinniped-concierge",
    )
    assert config.client_cert_ttl == datetime.timedelta(minutes=5)
    assert config.serving_service_name == "pinniped-concierge-api"
    assert config.groups.login == "login.concierge.pinniped.dev"


def test_flags_override_the_config_file(tmp_path: Path) -> None:
    file = tmp_path / "concierge.yaml"
    file.write_text("signer: csr\nport: 9443\nclient-cert-ttl: 10m\napi-group-suffix: example.com\n")
    config = parse_args(["--config", str(file), "--port", "8443"])
    assert (config.port, config.client_cert_ttl) == (8443, datetime.timedelta(minutes=10))
    assert config.groups.login == "login.concierge.example.com"


def test_signing_secret_is_namespace_and_name() -> None:
    config = parse_args(["--signing-secret", "kube-system/ca"])
    assert config.signing_secret == ("kube-system", "ca")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--signing-cert-file", "/x"],
        ["--signing-secret", "no-slash"],
        ["--signer", "csr", "--client-cert-ttl", "soon"],
    ],
)
def test_unusable_settings_are_config_errors(argv: list[str]) -> None:
    with pytest.raises(ConfigError):
        parse_args(argv)


def test_main_reports_a_config_error_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--signer", "cluster-signing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("pinniped-concierge: ")


def test_webhooks_speak_v1beta1_unless_told_v1() -> None:
    assert parse_args(["--signer", "csr"]).webhook_token_review_version == "v1beta1"
    chosen = parse_args(["--signer", "csr", "--webhook-token-review-version", "v1"])
    assert chosen.webhook_token_review_version == "v1"


def test_a_config_file_cannot_choose_an_unknown_token_review_version(tmp_path: Path) -> None:
    file = tmp_path / "concierge.yaml"
    file.write_text("signer: csr\nwebhook-token-review-version: v2\n")
    with pytest.raises(ConfigError, match="v1beta1 or v1"):
        parse_args(["--config", str(file)])
