"""The Concierge's request path through a real kube-apiserver: the Concierge runs as a host process
behind an ExternalName Service + APIService; a loopback TokenReview webhook is the IDP.
"""

from __future__ import annotations

import json
import ssl
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web

from pinniped.testing.clusters.base import Cluster
from pinniped.testing.concierge import RunningConcierge
from pinniped.testing.install import create_webhook_authenticator, run_local_concierge
from pinniped.testing.kubeconfig import write_credential_kubeconfig
from pinniped.testing.ports import free_port
from pinniped.testing.requests import anonymous_post, kubectl_as
from pinniped.testing.threaded_server import serve_in_thread
from pinniped.testing.waiting import eventually

pytestmark = pytest.mark.capability("hostProcessBackends")

LOGIN = "login.concierge.pinniped.dev"
IDENTITY = "identity.concierge.pinniped.dev"
TCR_PATH = f"/apis/{LOGIN}/v1alpha1/tokencredentialrequests"
WHOAMI_PATH = f"/apis/{IDENTITY}/v1alpha1/whoamirequests"
GROUP = f"tcr-group-{uuid.uuid4().hex[:6]}"
USERS: dict[str, dict[str, Any]] = {
    "good-token": {"username": "pinny", "groups": [GROUP, "seals"]},
    "uid-token": {"username": "pinny", "uid": "1234", "groups": [GROUP]},
}
FAILED = {
    "kind": "TokenCredentialRequest",
    "apiVersion": f"{LOGIN}/v1alpha1",
    "metadata": {"creationTimestamp": None},
    "spec": {"authenticator": {"apiGroup": None, "kind": "", "name": ""}},
    "status": {"message": "authentication failed"},
}


@dataclass(frozen=True)
class Webhook:
    url: str
    ca_pem: bytes


@pytest.fixture(scope="module")
def webhook() -> Iterator[Webhook]:
    """A TokenReview webhook: known tokens authenticate, "error-token" gets a 500."""

    async def review(request: web.Request) -> web.Response:
        body = await request.json()
        token = body["spec"]["token"]
        if token == "error-token":
            return web.Response(status=500)
        user = USERS.get(token)
        status: dict[str, Any] = {"authenticated": user is not None}
        if user is not None:
            status["user"] = user
        return web.json_response({**body, "status": status})

    app = web.Application()
    app.router.add_post("/authenticate", review)
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    port = free_port()
    with serve_in_thread(app, port, context):
        yield Webhook(f"https://127.0.0.1:{port}/authenticate", ca.cert_pem.bytes())


@pytest.fixture(scope="module", params=["csr", "cluster-signing"])
def concierge(
    request: pytest.FixtureRequest, cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningConcierge]:
    signer: str = request.param
    if signer == "cluster-signing" and cluster.signing_key_pair() is None:
        pytest.skip("this cluster does not hand out its signing key")
    if signer == "csr" and "csrSigningAvailable" not in cluster.capabilities:
        pytest.skip("this cluster does not sign kube-apiserver-client CSRs")
    directory = tmp_path_factory.mktemp(f"concierge-{signer}")
    with run_local_concierge(cluster, directory, lambda _: None, signer) as running:
        yield running


@pytest.fixture(scope="module")
def authenticator(cluster: Cluster, concierge: RunningConcierge, webhook: Webhook) -> Iterator[str]:
    name = f"idp-{uuid.uuid4().hex[:6]}"
    create_webhook_authenticator(cluster, name, webhook.url, webhook.ca_pem)
    yield name
    cluster.kubectl("delete", "webhookauthenticator", name, "--ignore-not-found")


def tcr(token: str, authenticator: str) -> dict[str, Any]:
    return {
        "apiVersion": f"{LOGIN}/v1alpha1",
        "kind": "TokenCredentialRequest",
        "spec": {
            "token": token,
            "authenticator": {
                "apiGroup": "authentication.concierge.pinniped.dev",
                "kind": "WebhookAuthenticator",
                "name": authenticator,
            },
        },
    }


def via_apiserver(cluster: Cluster, path: str, body: Any) -> tuple[int, Any]:
    return anonymous_post(cluster.server, cluster.ca_pem, path, body)


def exchange_until_ready(cluster: Cluster, authenticator: str) -> dict[str, Any]:
    """The authenticator controller needs a moment after the WebhookAuthenticator is created."""
    deadline = time.monotonic() + 30
    while True:
        status, body = via_apiserver(cluster, TCR_PATH, tcr("good-token", authenticator))
        assert status == 201, body
        if "credential" in body["status"] or time.monotonic() > deadline:
            result: dict[str, Any] = body
            return result
        time.sleep(0.5)


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_anonymous_client_gets_a_certificate_kube_apiserver_accepts(
    cluster: Cluster, authenticator: str, tmp_path: Path
) -> None:
    body = exchange_until_ready(cluster, authenticator)
    credential = body["status"]["credential"]
    kubeconfig = write_credential_kubeconfig(
        tmp_path / "user.kubeconfig", cluster.server, cluster.ca_pem, credential
    )
    whoami = json.loads(kubectl_as(cluster, kubeconfig, "auth", "whoami", "-o", "json").stdout)
    assert whoami["status"]["userInfo"]["username"] == "pinny"
    assert {GROUP, "seals"} <= set(whoami["status"]["userInfo"]["groups"])

    assert kubectl_as(cluster, kubeconfig, "get", "pods", "-n", "kube-system").returncode != 0
    binding = f"tcr-view-{uuid.uuid4().hex[:6]}"
    cluster.kubectl("create", "clusterrolebinding", binding, "--clusterrole=view", f"--group={GROUP}")
    try:
        assert eventually(
            lambda: kubectl_as(cluster, kubeconfig, "get", "pods", "-n", "kube-system").returncode == 0
        )
    finally:
        cluster.kubectl("delete", "clusterrolebinding", binding, "--ignore-not-found")


@pytest.mark.capability("anonymousAuthenticationSupported")
@pytest.mark.parametrize("token", ["wrong-token", "uid-token", "error-token"])
def test_authentication_failures_are_201_with_only_the_message(
    cluster: Cluster, authenticator: str, token: str
) -> None:
    exchange_until_ready(cluster, authenticator)
    assert via_apiserver(cluster, TCR_PATH, tcr(token, authenticator)) == (201, FAILED)


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_unknown_authenticator_fails(cluster: Cluster, concierge: RunningConcierge) -> None:
    assert via_apiserver(cluster, TCR_PATH, tcr("good-token", "no-such-idp")) == (201, FAILED)


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_validation_failures_through_kube_apiserver(cluster: Cluster, concierge: RunningConcierge) -> None:
    status, body = via_apiserver(cluster, TCR_PATH, tcr("", "x"))
    assert status == 422
    assert body["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value: token must be supplied",
            "field": "spec.token.value",
        }
    ]
    status, body = via_apiserver(cluster, TCR_PATH + "?dryRun=All", tcr("t", "x"))
    assert (status, body["details"]["causes"][0]["field"]) == (422, "dryRun")
    status, body = via_apiserver(cluster, TCR_PATH, {**tcr("t", "x"), "kind": "Pod"})
    assert (status, body["reason"]) == (400, "BadRequest")
    namespaced = f"/apis/{LOGIN}/v1alpha1/namespaces/default/tokencredentialrequests"
    status, body = via_apiserver(cluster, namespaced, tcr("t", "x"))
    assert (status, body["message"]) == (400, "namespace is not allowed on TokenCredentialRequest: default")


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_whoami_through_kube_apiserver_shows_the_anonymous_caller(
    cluster: Cluster, concierge: RunningConcierge
) -> None:
    status, body = via_apiserver(cluster, WHOAMI_PATH, {})
    assert status == 201
    assert body["status"]["kubernetesUserInfo"]["user"]["username"] == "system:anonymous"


def test_direct_request_with_remote_user_header_is_anonymous(concierge: RunningConcierge) -> None:
    status, body = anonymous_post(
        concierge.url,
        None,
        WHOAMI_PATH,
        {},
        {"X-Remote-User": "system:admin", "X-Remote-Group": "system:masters"},
    )
    assert status == 201
    assert body["status"]["kubernetesUserInfo"]["user"] == {
        "username": "system:anonymous",
        "groups": ["system:unauthenticated"],
    }


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_deleting_the_webhook_authenticator_fails_the_next_request(
    cluster: Cluster, concierge: RunningConcierge, webhook: Webhook
) -> None:
    name = f"idp-{uuid.uuid4().hex[:6]}"
    create_webhook_authenticator(cluster, name, webhook.url, webhook.ca_pem)
    assert "credential" in exchange_until_ready(cluster, name)["status"]
    cluster.kubectl("delete", "webhookauthenticator", name)
    assert eventually(
        lambda: via_apiserver(cluster, TCR_PATH, tcr("good-token", name)) == (201, FAILED), timeout=10
    )
