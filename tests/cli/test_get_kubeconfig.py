from __future__ import annotations

import base64
import io
import ssl
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from pinniped.cli.apiserver import ApiCallFailed, ApiServer
from pinniped.cli.errors import CLIError
from pinniped.cli.kubeconfig import KubeconfigDeps, run_get_kubeconfig
from pinniped.cli.parser import build_parser
from pinniped.client.transport import HttpResponse
from tests.cli.cli_fakes import (
    ADMIN_TOKEN,
    CONFIG,
    JWTS,
    TCR,
    WEBHOOKS,
    credential_issuer,
    install_concierge,
    items,
    named,
    write_kubeconfig,
)
from tests.client.fake_https import FakeServer, serve

USER_TOKEN = "pinny:password123"


@pytest.fixture
def cluster() -> Iterator[FakeServer]:
    with serve(trustme.CA()) as server:
        yield server


@pytest.fixture
def admin_kubeconfig(tmp_path: Path, cluster: FakeServer) -> Path:
    return write_kubeconfig(tmp_path / "admin.yaml", cluster, {"token": ADMIN_TOKEN})


def get_kubeconfig(
    kubeconfig: Path, *flags: str, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    args = build_parser().parse_args(["get", "kubeconfig", f"--kubeconfig={kubeconfig}", *flags])
    stdout, stderr = io.StringIO(), io.StringIO()
    deps = KubeconfigDeps(
        env=env or {},
        stdout=stdout,
        stderr=stderr,
        argv0="/opt/bin/pinniped.py",
        which=lambda _n: "/usr/local/bin/pinniped",
    )
    run_get_kubeconfig(args, deps)
    return yaml.safe_load(stdout.getvalue()), stderr.getvalue()


def test_generates_a_kubeconfig_that_runs_login_static(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)

    config, log = get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")

    ca_b64 = base64.b64encode(cluster.ca_pem).decode()
    assert config["current-context"] == "kind-context-pinniped"
    assert config["contexts"] == [
        {
            "name": "kind-context-pinniped",
            "context": {"cluster": "kind-cluster-pinniped", "user": "kind-user-pinniped"},
        }
    ]
    assert config["clusters"] == [
        {
            "name": "kind-cluster-pinniped",
            "cluster": {"server": cluster.url, "certificate-authority-data": ca_b64},
        }
    ]
    [user] = config["users"]
    assert user["name"] == "kind-user-pinniped"
    assert user["user"]["exec"] == {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "/usr/local/bin/pinniped",
        "args": [
            "login",
            "static",
            "--enable-concierge",
            "--concierge-api-group-suffix=pinniped.dev",
            "--concierge-authenticator-name=webhook-0",
            "--concierge-authenticator-type=webhook",
            f"--concierge-endpoint={cluster.url}",
            f"--concierge-ca-bundle-data={ca_b64}",
            f"--token={USER_TOKEN}",
        ],
        "env": [],
        "installHint": (
            "The pinniped CLI does not appear to be installed.  "
            "See https://get.pinniped.dev/cli for more details"
        ),
        "provideClusterInfo": True,
    }
    for message in (
        "discovered CredentialIssuer",
        "discovered Concierge operating in TokenCredentialRequest API mode",
        "discovered Concierge endpoint",
        "discovered Concierge certificate authority bundle",
        "discovered WebhookAuthenticator",
        "validated connection to the cluster",
    ):
        assert message in log
    assert USER_TOKEN not in log


def test_discovery_calls_are_made_as_the_admin(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)

    get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")

    gets = [r for r in cluster.requests if r.method == "GET"]
    assert gets
    assert all(r.headers["Authorization"] == f"Bearer {ADMIN_TOKEN}" for r in gets)
    [exchange] = [r for r in cluster.requests if r.path == TCR]
    assert "Authorization" not in exchange.headers
    assert exchange.body["spec"]["token"] == USER_TOKEN


def test_static_token_env_and_options_shape_the_exec_args(
    cluster: FakeServer, admin_kubeconfig: Path
) -> None:
    install_concierge(cluster, webhooks=0, jwts=1)

    config, log = get_kubeconfig(
        admin_kubeconfig,
        "--static-token-env=MY_TOKEN",
        "--credential-cache=",
        "--pinniped-cli-path=/bin/pin",
        "--generated-name-suffix=-x",
        "--skip-validation",
    )

    exec_stanza = config["users"][0]["user"]["exec"]
    assert exec_stanza["command"] == "/bin/pin"
    assert exec_stanza["args"][-2:] == ["--credential-cache=", "--token-env=MY_TOKEN"]
    assert "--concierge-authenticator-type=jwt" in exec_stanza["args"]
    assert config["current-context"] == "kind-context-x"
    assert "discovered JWTAuthenticator" in log
    assert "validated connection" not in log
    assert cluster.paths("POST") == []


def test_no_authenticator_is_an_error_naming_the_flags(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster, webhooks=0)
    del cluster.routes["GET", JWTS]  # an API that is not installed counts as none

    with pytest.raises(CLIError) as caught:
        get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")

    assert "no authenticators were found" in str(caught.value)
    assert "--concierge-authenticator-type" in str(caught.value)
    assert "--concierge-authenticator-name" in str(caught.value)


def test_several_authenticators_is_an_error_naming_the_flags(
    cluster: FakeServer, admin_kubeconfig: Path
) -> None:
    install_concierge(cluster, webhooks=1, jwts=1)

    with pytest.raises(CLIError) as caught:
        get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")

    assert str(caught.value) == (
        "multiple authenticators were found, so the --concierge-authenticator-type and "
        "--concierge-authenticator-name flags must be specified"
    )


def test_named_authenticator_is_looked_up(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster, webhooks=2)
    cluster.routes["GET", f"{WEBHOOKS}/webhook-1"] = (200, named("webhook-1"))

    config, _log = get_kubeconfig(
        admin_kubeconfig,
        f"--static-token={USER_TOKEN}",
        "--concierge-authenticator-type=webhook",
        "--concierge-authenticator-name=webhook-1",
    )

    assert "--concierge-authenticator-name=webhook-1" in config["users"][0]["user"]["exec"]["args"]


def test_several_credential_issuers_need_the_flag(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)
    cluster.routes["GET", "/apis/config.concierge.pinniped.dev/v1alpha1/credentialissuers"] = items(
        named("a"), named("b")
    )

    with pytest.raises(CLIError, match="--concierge-credential-issuer"):
        get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")


def test_rejected_token_fails_validation_in_one_line(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)
    cluster.routes["POST", TCR] = (201, {"status": {"message": "authentication failed"}})

    with pytest.raises(CLIError) as caught:
        get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}")

    assert str(caught.value) == (
        "could not validate the generated kubeconfig: login failed: authentication failed"
    )


def test_token_flags_are_required_and_exclusive(admin_kubeconfig: Path) -> None:
    with pytest.raises(CLIError, match="one of --static-token or --static-token-env must be set"):
        get_kubeconfig(admin_kubeconfig)
    with pytest.raises(CLIError, match="only one of --static-token and --static-token-env"):
        get_kubeconfig(admin_kubeconfig, "--static-token=a", "--static-token-env=B")


def test_missing_context_is_a_clear_error(admin_kubeconfig: Path) -> None:
    with pytest.raises(CLIError, match='no such context "nope"'):
        get_kubeconfig(admin_kubeconfig, "--static-token=a", "--kubeconfig-context=nope")


def test_output_file_is_private(cluster: FakeServer, admin_kubeconfig: Path, tmp_path: Path) -> None:
    install_concierge(cluster)
    output = tmp_path / "user.yaml"

    get_kubeconfig(admin_kubeconfig, f"--static-token={USER_TOKEN}", f"--output={output}")

    assert yaml.safe_load(output.read_text())["kind"] == "Config"
    assert output.stat().st_mode & 0o777 == 0o600


class _ScriptedTransport:
    def __init__(self, answers: list[tuple[int, bytes]]) -> None:
        self.answers = answers
        self.calls = 0

    def __call__(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        headers: Mapping[str, str],
        context: ssl.SSLContext,
        timeout: float | None,
    ) -> HttpResponse:
        self.calls += 1
        status, payload = self.answers.pop(0)
        return HttpResponse(status, payload)


def test_api_gets_retry_a_few_times_on_429_and_503() -> None:
    transport = _ScriptedTransport(
        [(429, b'{"message": "storage is (re)initializing"}'), (503, b"{}"), (200, b'{"kind": "List"}')]
    )
    slept: list[float] = []
    api = ApiServer(
        "https://example.invalid", ssl.create_default_context(), transport=transport, sleep=slept.append
    )
    assert api.get("/apis") == {"kind": "List"}
    assert slept == [0.2, 0.4]


def test_api_gets_do_not_retry_a_403() -> None:
    transport = _ScriptedTransport([(403, b'{"message": "forbidden"}')])
    api = ApiServer(
        "https://example.invalid", ssl.create_default_context(), transport=transport, sleep=lambda _: None
    )
    with pytest.raises(ApiCallFailed, match="status 403: forbidden"):
        api.get("/apis")
    assert transport.calls == 1


def _issuer_pending_for(calls: int) -> Callable[[Any], tuple[int, dict[str, Any]]]:
    """The CredentialIssuer has no strategies for its first `calls` reads, then a successful one."""
    seen = [0]

    def answer(_: Any) -> tuple[int, dict[str, Any]]:
        seen[0] += 1
        if seen[0] <= calls:
            return items(named("pinniped-concierge-config", status={}))
        return items(credential_issuer())

    return answer


def _run_with_clock(kubeconfig: Path, *flags: str) -> tuple[str, list[float]]:
    args = build_parser().parse_args(["get", "kubeconfig", f"--kubeconfig={kubeconfig}", *flags])
    stderr = io.StringIO()
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    deps = KubeconfigDeps(
        env={},
        stdout=io.StringIO(),
        stderr=stderr,
        argv0="/opt/bin/pinniped",
        sleep=sleep,
        monotonic=lambda: now[0],
    )
    run_get_kubeconfig(args, deps)
    return stderr.getvalue(), slept


def test_waits_for_a_just_started_concierge_to_report_its_strategy(
    cluster: FakeServer, admin_kubeconfig: Path
) -> None:
    install_concierge(cluster)
    cluster.routes["GET", CONFIG] = _issuer_pending_for(2)
    stderr, slept = _run_with_clock(admin_kubeconfig, f"--static-token={USER_TOKEN}")
    assert "waiting for CredentialIssuer pending strategies to finish" in stderr
    assert slept == [2.0, 2.0]
    assert "validated connection to the cluster" in stderr


def test_gives_up_waiting_with_the_strategy_error(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)
    cluster.routes["GET", CONFIG] = _issuer_pending_for(10_000)
    with pytest.raises(CLIError, match="no successful strategy"):
        _run_with_clock(admin_kubeconfig, f"--static-token={USER_TOKEN}", "--timeout=10s")


def test_concierge_skip_wait_does_not_wait(cluster: FakeServer, admin_kubeconfig: Path) -> None:
    install_concierge(cluster)
    cluster.routes["GET", CONFIG] = _issuer_pending_for(1)
    with pytest.raises(CLIError, match="no successful strategy"):
        _run_with_clock(admin_kubeconfig, f"--static-token={USER_TOKEN}", "--concierge-skip-wait")
