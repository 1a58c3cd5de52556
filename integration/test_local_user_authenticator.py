"""local-user-authenticator against a real kube-apiserver: users as Secrets, TLS bootstrap, kubectl.

The server runs as a host process (pinniped.testing.localuser) with the admin kubeconfig.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pinniped.localuser.manifests import as_list, render
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.kubeconfig import write_kubeconfig
from pinniped.testing.localuser import (
    NAMESPACE,
    TLS_SECRET_NAME,
    RunningWebhook,
    add_user,
    ensure_namespace,
    remove_user,
    run_local_user_authenticator,
)
from pinniped.testing.ports import free_port
from pinniped.testing.requests import kubectl_as

pytestmark = pytest.mark.integration

SERVICE_HOST = f"local-user-authenticator.{NAMESPACE}.svc"
PROPAGATION_SECONDS = 1.0
"""Secret changes must reach the server's memory within this long."""


@pytest.fixture(scope="module")
def webhook(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWebhook]:
    log_path = tmp_path_factory.mktemp("local-user-authenticator") / "server.log"
    with run_local_user_authenticator(cluster.kubeconfig, free_port(), log_path) as running:
        yield running


def token_review(webhook: RunningWebhook, token: str) -> dict[str, Any]:
    body = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token},
    }
    request = urllib.request.Request(  # noqa: S310 (an https URL we built)
        webhook.url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    context = ssl.create_default_context(cadata=webhook.ca_pem.decode())
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        status: dict[str, Any] = json.load(response)["status"]
        return status


def authenticated_as(webhook: RunningWebhook, token: str) -> tuple[str, list[str]] | None:
    status = token_review(webhook, token)
    if not status.get("authenticated"):
        return None
    return status["user"]["username"], status["user"].get("groups", [])


def within_a_second(condition: Callable[[], bool], what: str) -> None:
    """Poll until `condition` holds; a check that starts within the second may succeed."""
    deadline = time.monotonic() + PROPAGATION_SECONDS
    while True:
        started = time.monotonic()
        if condition():
            return
        assert started < deadline, f"not within {PROPAGATION_SECONDS}s: {what}"
        time.sleep(0.05)


def test_added_changed_and_removed_users_take_effect_within_a_second(
    cluster: Cluster, webhook: RunningWebhook
) -> None:
    name = "lifecycle-user"
    add_user(cluster.kubeconfig, name, "first-password", ["group-a", "group-b"])
    within_a_second(
        lambda: authenticated_as(webhook, f"{name}:first-password") == (name, ["group-a", "group-b"]),
        "new user authenticates with its groups",
    )
    assert authenticated_as(webhook, f"{name}:wrong-password") is None

    result = add_user(cluster.kubeconfig, name, "second:password", ["group-c"])
    assert "updated existing user" in result.stderr
    within_a_second(
        lambda: authenticated_as(webhook, f"{name}:second:password") == (name, ["group-c"]),
        "changed password and groups are honoured",
    )
    assert authenticated_as(webhook, f"{name}:first-password") is None

    remove_user(cluster.kubeconfig, name)
    within_a_second(
        lambda: authenticated_as(webhook, f"{name}:second:password") is None,
        "removed user no longer authenticates",
    )

    log = webhook.process.log_path.read_text()
    assert name in log
    for secret in ("first-password", "second:password", "wrong-password", "$2b$"):
        assert secret not in log


def test_unknown_user_is_not_authenticated(webhook: RunningWebhook) -> None:
    assert token_review(webhook, "nobody-at-all:password") == {"authenticated": False, "user": {}}


def tls_secret(cluster: Cluster) -> dict[str, Any]:
    result = cluster.kubectl("get", "secret", TLS_SECRET_NAME, "-n", NAMESPACE, "-o", "json")
    secret: dict[str, Any] = json.loads(result.stdout)
    return secret


def test_serving_secret_is_created_once_and_reused_on_restart(
    cluster: Cluster, webhook: RunningWebhook, tmp_path: Path
) -> None:
    before = tls_secret(cluster)
    assert set(before["data"]) == {"caCertificate", "tlsPrivateKey", "tlsCertificateChain"}

    with run_local_user_authenticator(cluster.kubeconfig, free_port(), tmp_path / "second.log") as second:
        assert second.ca_pem == webhook.ca_pem
        assert token_review(second, "nobody-at-all:pw")["authenticated"] is False

    after = tls_secret(cluster)
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


@pytest.mark.parametrize("server_hostname", [SERVICE_HOST, f"{SERVICE_HOST}.cluster.local"])
def test_serving_ca_verifies_the_server_for_its_service_names(
    webhook: RunningWebhook, server_hostname: str
) -> None:
    context = ssl.create_default_context(cadata=webhook.ca_pem.decode())
    port = int(webhook.url.split(":")[2].split("/")[0])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=server_hostname) as tls,
    ):
        assert tls.version() == "TLSv1.3"


def test_manifests_pass_server_side_dry_run(cluster: Cluster) -> None:
    ensure_namespace(cluster.kubeconfig, NAMESPACE)
    manifests = as_list(render("registry.example/local-user-authenticator:test"))
    result = cluster.kubectl("apply", "--dry-run=server", "-f", "-", input=json.dumps(manifests))
    assert "(server dry run)" in result.stdout


@pytest.mark.capability("tokenWebhookConfigurable")
def test_kubectl_with_a_user_token_is_that_user_through_the_webhook(
    cluster: Cluster, webhook: RunningWebhook, tmp_path: Path
) -> None:
    name, password = "whoami-user", "whoami-password"
    add_user(cluster.kubeconfig, name, password, ["whoami-group-0", "whoami-group-1"])
    cluster.configure_token_webhook(webhook.url, webhook.ca_pem)
    # Only server + CA + token: no client certificate that would win over the token.
    kubeconfig = write_kubeconfig(
        tmp_path / "user.kubeconfig", cluster.server, cluster.ca_pem, token=f"{name}:{password}"
    )

    deadline = time.monotonic() + 30
    while (result := kubectl_as(cluster, kubeconfig, "auth", "whoami", "-o", "json")).returncode:
        assert time.monotonic() < deadline, f"kubectl auth whoami failed: {result.stderr}"
        time.sleep(0.5)

    user_info = json.loads(result.stdout)["status"]["userInfo"]
    assert user_info["username"] == name
    assert {"whoami-group-0", "whoami-group-1", "system:authenticated"} <= set(user_info["groups"])

    wrong = write_kubeconfig(
        tmp_path / "wrong.kubeconfig", cluster.server, cluster.ca_pem, token=f"{name}:nope"
    )
    denied = kubectl_as(cluster, wrong, "auth", "whoami", "-o", "json")
    assert denied.returncode != 0
    assert "Unauthorized" in denied.stderr or "must be logged in" in denied.stderr
