"""kubectl, given a kubeconfig from `pinniped get kubeconfig`, logs in through `pinniped login static`."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pinniped.testing.clusters.base import Cluster
from pinniped.testing.env import TestEnv
from pinniped.testing.pinniped_cli import pinniped_command
from pinniped.testing.waiting import eventually


def _run(argv: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A clean environment: its own HOME (so its own credential cache) and no PINNIPED_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINNIPED_") and k != "KUBECONFIG"}
    env["HOME"] = str(tmp_path / "home")
    env.pop("XDG_CONFIG_HOME", None)
    return env


def _credential_cache(env: dict[str, str]) -> Path:
    return Path(env["HOME"]) / ".config" / "pinniped" / "credentials.yaml"


def _get_kubeconfig(
    cluster: Cluster, pinniped_env: TestEnv, env: dict[str, str], token: str, out: Path, *extra_args: str
) -> subprocess.CompletedProcess[str]:
    command = pinniped_command()
    result = _run(
        [
            *command,
            "get",
            "kubeconfig",
            "--kubeconfig",
            str(cluster.kubeconfig),
            "--static-token",
            token,
            "--concierge-authenticator-type",
            pinniped_env.authenticator_type,
            "--concierge-authenticator-name",
            pinniped_env.authenticator_name,
            "--concierge-api-group-suffix",
            pinniped_env.api_group_suffix,
            *extra_args,
        ],
        env,
    )
    if result.returncode == 0:
        out.write_text(result.stdout)
    return result


def _kubectl(
    cluster: Cluster, kubeconfig: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return _run([str(cluster.kubectl_path), "--kubeconfig", str(kubeconfig), *args], env)


@pytest.fixture
def user_kubeconfig(cluster: Cluster, pinniped_env: TestEnv, home: dict[str, str], tmp_path: Path) -> Path:
    out = tmp_path / "user.yaml"
    result = _get_kubeconfig(cluster, pinniped_env, home, pinniped_env.user_token, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def group_can_view(cluster: Cluster, pinniped_env: TestEnv) -> Iterator[str]:
    """Let the test user's first group view the cluster, for the duration of one test."""
    assert pinniped_env.user_groups, "the test user needs at least one group"
    name = f"e2e-view-{uuid.uuid4().hex[:8]}"
    cluster.kubectl(
        "create", "clusterrolebinding", name, "--clusterrole=view", f"--group={pinniped_env.user_groups[0]}"
    )
    try:
        yield name
    finally:
        cluster.kubectl("delete", "clusterrolebinding", name, "--ignore-not-found", check=False)


def test_generated_kubeconfig_runs_the_plugin_with_provided_cluster_info(user_kubeconfig: Path) -> None:
    config: dict[str, Any] = yaml.safe_load(user_kubeconfig.read_text())
    exec_stanza = config["users"][0]["user"]["exec"]
    assert exec_stanza["args"][:3] == ["login", "static", "--enable-concierge"]
    assert exec_stanza["provideClusterInfo"] is True
    assert config["current-context"].endswith("-pinniped")


def test_kubectl_lists_namespaces_as_the_user_when_a_group_grants_it(
    cluster: Cluster, user_kubeconfig: Path, home: dict[str, str], group_can_view: str
) -> None:
    assert eventually(lambda: _kubectl(cluster, user_kubeconfig, home, "get", "namespaces").returncode == 0)
    listed = _kubectl(cluster, user_kubeconfig, home, "get", "namespaces", "-o", "name")
    assert "namespace/kube-system" in listed.stdout


def test_kubectl_is_forbidden_without_rbac(
    cluster: Cluster, pinniped_env: TestEnv, user_kubeconfig: Path, home: dict[str, str]
) -> None:
    result = _kubectl(cluster, user_kubeconfig, home, "get", "secrets", "-n", "kube-system")
    assert result.returncode != 0
    assert "forbidden" in result.stderr.lower()
    assert f'User "{pinniped_env.user_username}"' in result.stderr


def test_whoami_prints_the_user_and_groups(
    cluster: Cluster, pinniped_env: TestEnv, user_kubeconfig: Path, home: dict[str, str]
) -> None:
    result = _run([*pinniped_command(), "whoami", "--kubeconfig", str(user_kubeconfig), "-o", "json"], home)
    assert result.returncode == 0, result.stderr
    user = json.loads(result.stdout)["status"]["kubernetesUserInfo"]["user"]
    assert user["username"] == pinniped_env.user_username
    assert set(pinniped_env.user_groups) <= set(user["groups"])

    text = _run([*pinniped_command(), "whoami", "--kubeconfig", str(user_kubeconfig)], home).stdout
    assert f"Username: {pinniped_env.user_username}" in text


def test_a_wrong_password_gives_kubectl_an_error_naming_the_cause(
    cluster: Cluster, pinniped_env: TestEnv, home: dict[str, str], tmp_path: Path
) -> None:
    # Upstream's `get kubeconfig` does not check the token (ours does, unless told not to), so skip it.
    username = pinniped_env.user_token.split(":", 1)[0]
    out = tmp_path / "wrong.yaml"
    generated = _get_kubeconfig(
        cluster, pinniped_env, home, f"{username}:not-the-password", out, "--skip-validation"
    )
    assert generated.returncode == 0, generated.stderr
    result = _kubectl(cluster, out, home, "get", "namespaces")
    assert result.returncode != 0
    assert "authentication failed" in result.stderr
    assert "not-the-password" not in result.stderr + result.stdout


@pytest.mark.skipif(
    "PINNIPED_TEST_CLI" in os.environ, reason="checks our CLI's validation, which upstream's lacks"
)
def test_our_get_kubeconfig_refuses_a_token_the_concierge_rejects(
    cluster: Cluster, pinniped_env: TestEnv, home: dict[str, str], tmp_path: Path
) -> None:
    username = pinniped_env.user_token.split(":", 1)[0]
    generated = _get_kubeconfig(cluster, pinniped_env, home, f"{username}:not-the-password", tmp_path / "k")
    assert generated.returncode != 0
    assert generated.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "authentication failed" in generated.stderr
    assert "not-the-password" not in generated.stderr


def _cache_entries(env: dict[str, str]) -> list[dict[str, Any]]:
    path = _credential_cache(env)
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text()).get("credentials") or []
    return entries


def _token_requests(pinniped_env: TestEnv) -> int | None:
    """How many TokenCredentialRequests the Concierge has seen, where it shares its log."""
    if pinniped_env.concierge_log is None:
        return None
    return pinniped_env.concierge_log.read_text(errors="replace").count(
        "TokenCredentialRequest Token Received"
    )


def test_the_second_kubectl_call_is_served_from_the_credential_cache(
    cluster: Cluster, pinniped_env: TestEnv, user_kubeconfig: Path, home: dict[str, str], group_can_view: str
) -> None:
    assert eventually(lambda: _kubectl(cluster, user_kubeconfig, home, "get", "namespaces").returncode == 0)
    entries = _cache_entries(home)
    assert len(entries) == 1
    path = _credential_cache(home)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    before = _token_requests(pinniped_env)

    assert _kubectl(cluster, user_kubeconfig, home, "get", "namespaces").returncode == 0

    after = _cache_entries(home)
    assert [e["key"] for e in after] == [entries[0]["key"]]
    assert after[0]["creationTimestamp"] == entries[0]["creationTimestamp"]
    assert after[0]["credential"] == entries[0]["credential"]
    if before is not None:
        assert _token_requests(pinniped_env) == before


def test_an_expired_cached_certificate_is_replaced(
    cluster: Cluster, pinniped_env: TestEnv, user_kubeconfig: Path, home: dict[str, str], group_can_view: str
) -> None:
    assert eventually(lambda: _kubectl(cluster, user_kubeconfig, home, "get", "namespaces").returncode == 0)
    path = _credential_cache(home)
    cache = yaml.safe_load(path.read_text())
    old = cache["credentials"][0]["credential"]["clientCertificateData"]
    cache["credentials"][0]["credential"]["expirationTimestamp"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(cache))

    assert _kubectl(cluster, user_kubeconfig, home, "get", "namespaces").returncode == 0

    entries = _cache_entries(home)
    assert len(entries) == 1
    assert entries[0]["credential"]["clientCertificateData"] != old
    assert entries[0]["credential"]["expirationTimestamp"] > "2021"


def test_no_token_or_password_reaches_the_concierge_log(
    cluster: Cluster, pinniped_env: TestEnv, user_kubeconfig: Path, home: dict[str, str]
) -> None:
    if pinniped_env.concierge_log is None:
        pytest.skip("the implementation under test shares no log (PINNIPED_TEST_CONCIERGE_LOG)")
    _kubectl(cluster, user_kubeconfig, home, "get", "namespaces")
    log = pinniped_env.concierge_log.read_text(errors="replace")
    assert "TokenCredentialRequest Token Received" in log
    password = pinniped_env.user_token.split(":", 1)[1]
    assert pinniped_env.user_token not in log
    assert password not in log
