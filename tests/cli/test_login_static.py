from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pinniped.cli.__main__ import main
from pinniped.cli.errors import CLIError
from pinniped.cli.login import LoginDeps, StaticLoginParams, run_static_login
from pinniped.client import ClusterCredential, ConciergeClient, LoginFailed

TOKEN = "pinny:secret-password"
NOW = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
CONCIERGE = StaticLoginParams(
    token=TOKEN,
    enable_concierge=True,
    concierge_authenticator_type="webhook",
    concierge_authenticator_name="local-user-authenticator",
    concierge_endpoint="https://127.0.0.1:1",
)


class FakeExchange:
    def __init__(self, ttl: timedelta = timedelta(minutes=5), error: Exception | None = None):
        self.calls: list[tuple[str, str]] = []
        self.ttl = ttl
        self.error = error

    def __call__(self, client: ConciergeClient, token: str) -> ClusterCredential:
        self.calls.append((client.url, token))
        if self.error is not None:
            raise self.error
        return ClusterCredential(NOW + self.ttl, "CERT-PEM", "KEY-PEM")


def login(
    params: StaticLoginParams,
    *,
    env: Mapping[str, str] | None = None,
    exchange: FakeExchange | None = None,
    argv: tuple[str, ...] = ("login", "static"),
    now: datetime = NOW,
) -> dict[str, object]:
    stdout = io.StringIO()
    deps = LoginDeps(
        env=env or {},
        argv=argv,
        stdout=stdout,
        now=lambda: now,
        exchange=exchange or FakeExchange(),
    )
    run_static_login(params, deps)
    text = stdout.getvalue()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    return json.loads(text)  # type: ignore[no-any-return]


def cached(tmp_path: Path, **changes: Any) -> StaticLoginParams:
    return CONCIERGE._replace(credential_cache=str(tmp_path / "cache" / "credentials.yaml"), **changes)


def test_without_concierge_the_token_is_the_credential() -> None:
    output = login(StaticLoginParams(token=TOKEN))

    assert output == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {"interactive": False},
        "status": {"expirationTimestamp": None, "token": TOKEN},
    }


def test_token_env_is_read_from_the_environment() -> None:
    output = login(StaticLoginParams(token_env="MY_TOKEN"), env={"MY_TOKEN": TOKEN})

    assert output["status"] == {"expirationTimestamp": None, "token": TOKEN}


@pytest.mark.parametrize(
    ("exec_info", "version"),
    [
        (None, "client.authentication.k8s.io/v1beta1"),
        (
            '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{}}',
            "client.authentication.k8s.io/v1",
        ),
        (
            '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}',
            "client.authentication.k8s.io/v1beta1",
        ),
        ("not json", "client.authentication.k8s.io/v1beta1"),
    ],
)
def test_answers_in_the_api_version_kubectl_asked_for(exec_info: str | None, version: str) -> None:
    env = {} if exec_info is None else {"KUBERNETES_EXEC_INFO": exec_info}

    assert login(StaticLoginParams(token=TOKEN), env=env)["apiVersion"] == version


def test_concierge_exchange_prints_the_certificate(tmp_path: Path) -> None:
    exchange = FakeExchange()

    output = login(cached(tmp_path), exchange=exchange)

    assert output["status"] == {
        "expirationTimestamp": "2030-01-01T12:05:00Z",
        "clientCertificateData": "CERT-PEM",
        "clientKeyData": "KEY-PEM",
    }
    assert exchange.calls == [
        ("https://127.0.0.1:1/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests", TOKEN)
    ]


def test_cluster_info_supplies_endpoint_and_ca(tmp_path: Path, ca_b64: str) -> None:
    exec_info = {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1",
        "spec": {
            "interactive": False,
            "cluster": {"server": "https://kube.example:6443", "certificate-authority-data": ca_b64},
        },
    }
    exchange = FakeExchange()
    params = cached(tmp_path, concierge_endpoint="")

    output = login(params, env={"KUBERNETES_EXEC_INFO": json.dumps(exec_info)}, exchange=exchange)

    assert output["apiVersion"] == "client.authentication.k8s.io/v1"
    assert exchange.calls[0][0].startswith("https://kube.example:6443/apis/")


def test_login_failure_is_one_upstream_error_without_the_token(tmp_path: Path) -> None:
    exchange = FakeExchange(error=LoginFailed("authentication failed"))

    with pytest.raises(CLIError) as caught:
        login(cached(tmp_path), exchange=exchange)

    message = str(caught.value)
    assert message == (
        "could not complete Concierge credential exchange: login failed: authentication failed"
    )
    assert (
        not (tmp_path / "cache" / "credentials.yaml").exists()
        or TOKEN not in (tmp_path / "cache" / "credentials.yaml").read_text()
    )


@pytest.mark.parametrize(
    ("params", "env", "message"),
    [
        (StaticLoginParams(), {}, "one of --token or --token-env must be set"),
        (StaticLoginParams(token_env="T"), {}, '--token-env variable "T" is not set'),
        (StaticLoginParams(token_env="T"), {"T": ""}, '--token-env variable "T" is empty'),
        (
            CONCIERGE._replace(concierge_authenticator_name=""),
            {},
            "invalid Concierge parameters: authenticator name must not be empty",
        ),
        (
            CONCIERGE._replace(concierge_authenticator_type="x"),
            {},
            'invalid Concierge parameters: invalid authenticator type: "x", supported values are '
            '"webhook" and "jwt"',
        ),
        (
            CONCIERGE._replace(concierge_endpoint=""),
            {},
            "invalid Concierge parameters: endpoint must not be empty",
        ),
        (
            CONCIERGE._replace(concierge_endpoint="http://127.0.0.1"),
            {},
            'invalid Concierge parameters: invalid endpoint scheme "http" (must be "https")',
        ),
        (
            CONCIERGE._replace(concierge_ca_bundle_data="bm90IGEgY2VydA=="),
            {},
            "invalid Concierge parameters: invalid CA bundle data: no certificates found",
        ),
    ],
)
def test_bad_input_has_upstreams_error(params: StaticLoginParams, env: dict[str, str], message: str) -> None:
    exchange = FakeExchange()

    with pytest.raises(CLIError) as caught:
        login(params._replace(credential_cache=""), env=env, exchange=exchange)

    assert str(caught.value) == message
    assert exchange.calls == []


def test_main_prints_one_error_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["login", "static", "--token", TOKEN, "--enable-concierge", "--concierge-endpoint=http://x"])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == 'Error: invalid Concierge parameters: invalid endpoint scheme "http" (must be "https")\n'


def test_unknown_flag_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["login", "static", f"--tokn={TOKEN}"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Error: unrecognized arguments")
    assert err.count("\n") == 1


def test_main_accepts_upstream_flags(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    monkeypatch.delenv("KUBERNETES_EXEC_INFO", raising=False)

    code = main(
        [
            "login",
            "static",
            "--token-env",
            "MY_TOKEN",
            "--concierge-namespace=ignored",
            "--enable-concierge=false",
            "--credential-cache=",
        ]
    )

    assert code == 0
    assert json.loads(capsys.readouterr().out)["status"]["token"] == TOKEN


def test_cache_hit_makes_no_exchange(tmp_path: Path) -> None:
    first, second = FakeExchange(), FakeExchange(error=AssertionError("network used"))

    login(cached(tmp_path), exchange=first)
    output = login(cached(tmp_path), exchange=second, now=NOW + timedelta(minutes=1))

    assert len(first.calls) == 1
    assert second.calls == []
    assert output["status"]["clientCertificateData"] == "CERT-PEM"  # type: ignore[index]


def test_cached_credential_answers_in_the_requested_version(tmp_path: Path) -> None:
    login(cached(tmp_path))
    exec_info = {"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1", "spec": {}}
    v1 = {"KUBERNETES_EXEC_INFO": json.dumps(exec_info)}

    output = login(cached(tmp_path), env=v1, exchange=FakeExchange(error=AssertionError()))

    assert output["apiVersion"] == "client.authentication.k8s.io/v1"


def test_expired_cached_credential_is_replaced(tmp_path: Path) -> None:
    login(cached(tmp_path), exchange=FakeExchange(ttl=timedelta(minutes=5)))
    later = NOW + timedelta(minutes=6)
    exchange = FakeExchange(ttl=timedelta(minutes=11))

    output = login(cached(tmp_path), exchange=exchange, now=later)

    assert len(exchange.calls) == 1
    assert output["status"]["expirationTimestamp"] == "2030-01-01T12:11:00Z"  # type: ignore[index]
    document = json.loads((tmp_path / "cache" / "credentials.yaml").read_text())
    assert len(document["credentials"]) == 1


def test_different_token_or_args_miss_the_cache(tmp_path: Path) -> None:
    login(cached(tmp_path), argv=("login", "static", "--token=a"))
    exchange = FakeExchange()

    login(cached(tmp_path), argv=("login", "static", "--token=b"), exchange=exchange)
    login(cached(tmp_path, token="other"), argv=("login", "static", "--token=a"), exchange=exchange)

    assert len(exchange.calls) == 2


def test_empty_cache_path_disables_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exchange = FakeExchange()
    params = CONCIERGE._replace(credential_cache="")

    login(params, exchange=exchange)
    login(params, exchange=exchange)

    assert len(exchange.calls) == 2
    assert list(tmp_path.iterdir()) == []


def test_default_cache_path_is_under_xdg_config_home(tmp_path: Path) -> None:
    login(CONCIERGE, env={"XDG_CONFIG_HOME": str(tmp_path)})

    cache = tmp_path / "pinniped" / "credentials.yaml"
    assert cache.exists()
    assert os.stat(cache).st_mode & 0o777 == 0o600
    assert os.stat(cache.parent).st_mode & 0o777 == 0o700
