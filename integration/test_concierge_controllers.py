"""The Concierge's CRDs, manifests and controllers against a real kube-apiserver.

Controllers run in this process (asyncio) with an admin KubeClient; the webhook is a loopback
aiohttp server over TLS.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import trustme
import yaml
from aiohttp import web

from pinniped.api.groups import ConciergeGroups
from pinniped.authenticators.base import AuthenticatorKey
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.certs.dynamic import DynamicKeyPair
from pinniped.controllers.apiservice_updater import APIServiceUpdater
from pinniped.controllers.base import Controller
from pinniped.controllers.credential_issuer import (
    CredentialIssuerController,
    KubeAPIServerInfo,
    SignerHealth,
)
from pinniped.controllers.serving_cert import ServingCertController, ServingCertSettings
from pinniped.controllers.webhook_authenticator import WebhookAuthenticatorController
from pinniped.deploy.concierge import render_concierge
from pinniped.deploy.crds import render_crds
from pinniped.deploy.params import DeployParams
from pinniped.kube.client import KubeClient, resource_path
from pinniped.kube.config import from_kubeconfig
from pinniped.kube.informer import Informer
from pinniped.testing.clusters.base import Cluster

GROUPS = ConciergeGroups()
WEBHOOKS = resource_path(GROUPS.authentication, "v1alpha1", "webhookauthenticators")
ISSUERS = resource_path(GROUPS.config, "v1alpha1", "credentialissuers")


def to_yaml(manifests: list[dict[str, Any]]) -> str:
    return yaml.safe_dump_all(manifests, sort_keys=False)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def crds(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", input=to_yaml(render_crds(GROUPS)))
    names = [crd["metadata"]["name"] for crd in render_crds(GROUPS)]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *[f"crd/{n}" for n in names])


@pytest.fixture
def namespace(cluster: Cluster) -> Iterator[str]:
    name = unique("concierge-it")
    cluster.kubectl("create", "namespace", name)
    yield name
    cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)


@pytest.fixture
async def kube(cluster: Cluster) -> AsyncIterator[KubeClient]:
    async with KubeClient(from_kubeconfig(cluster.kubeconfig)) as client:
        yield client
    # Closing TLS connections takes a few loop turns; let them finish before the loop goes away.
    await asyncio.sleep(0.25)


@asynccontextmanager
async def running(*controllers: Controller) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(controller.run()) for controller in controllers]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def test_crds_are_served_and_listed_in_the_pinniped_category(cluster: Cluster, crds: None) -> None:
    # Discovery of new CRDs takes a moment to settle in kube-apiserver's aggregated discovery.
    for _ in range(50):
        result = cluster.kubectl("get", "pinniped", "-o", "name", check=False)
        if result.returncode == 0:
            break
        time.sleep(0.2)
    assert result.returncode == 0, result.stderr
    resources = cluster.kubectl("api-resources", "--api-group", GROUPS.authentication, "-o", "name").stdout
    assert "webhookauthenticators" in resources


def test_http_endpoint_is_rejected_by_the_crd(cluster: Cluster, crds: None) -> None:
    authenticator = {
        "apiVersion": f"{GROUPS.authentication}/v1alpha1",
        "kind": "WebhookAuthenticator",
        "metadata": {"name": unique("http")},
        "spec": {"endpoint": "http://example.com/"},
    }
    result = cluster.kubectl("create", "-f", "-", input=json.dumps(authenticator), check=False)
    assert result.returncode != 0
    assert "spec.endpoint" in result.stderr


@pytest.mark.parametrize("local_port", [None, 18443])
def test_concierge_manifests_pass_server_side_dry_run(
    cluster: Cluster, crds: None, namespace: str, local_port: int | None
) -> None:
    params = DeployParams(namespace=namespace, image="example.com/pinniped-py:test", local_port=local_port)
    manifests = [
        m for m in render_concierge(params) if m["kind"] not in ("Namespace", "CustomResourceDefinition")
    ]
    result = cluster.kubectl("apply", "--dry-run=server", "-f", "-", input=to_yaml(manifests), check=False)
    assert result.returncode == 0, result.stderr


@asynccontextmanager
async def token_review_webhook(ca: trustme.CA) -> AsyncIterator[str]:
    async def review(request: web.Request) -> web.Response:
        body = await request.json()
        ok = body["spec"]["token"] == "good-token"
        user = {"username": "pinny", "groups": ["seals"]} if ok else {}
        return web.json_response(
            {
                "apiVersion": body["apiVersion"],
                "kind": "TokenReview",
                "status": {"authenticated": ok, "user": user},
            }
        )

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    app = web.Application()
    app.router.add_post("/authenticate", review)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"https://127.0.0.1:{port}/authenticate"
    finally:
        await runner.cleanup()


async def test_webhook_authenticator_conditions_follow_fixes(
    cluster: Cluster, crds: None, kube: KubeClient
) -> None:
    ca = trustme.CA()
    good_ca = base64.b64encode(ca.cert_pem.bytes()).decode()
    wrong_ca = base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
    name = unique("hook")
    path = f"{WEBHOOKS}/{name}"
    cache = AuthenticatorCache()
    informer = Informer(kube, WEBHOOKS)
    controller = WebhookAuthenticatorController(kube, informer, cache, recheck_seconds=1.0)
    key = AuthenticatorKey(GROUPS.authentication, "WebhookAuthenticator", name)

    async def conditions() -> dict[str, tuple[str, str]]:
        status = (await kube.get(path)).get("status") or {}
        return {c["type"]: (c["status"], c["reason"]) for c in status.get("conditions", [])}

    async with token_review_webhook(ca) as url, running(informer, controller):
        body = {
            "apiVersion": f"{GROUPS.authentication}/v1alpha1",
            "kind": "WebhookAuthenticator",
            "metadata": {"name": name},
            "spec": {"endpoint": url, "tls": {"certificateAuthorityData": wrong_ca}},
        }
        await kube.create(WEBHOOKS, body)
        try:

            async def dial_failed() -> bool:
                return (await conditions()).get("WebhookConnectionValid") == ("False", "UnableToDialServer")

            await eventually(dial_failed)
            status = (await kube.get(path))["status"]
            assert status["phase"] == "Error"
            assert cache.get(key) is None

            await kube.merge_patch(
                path,
                {"spec": {"endpoint": "https://[not-a-host", "tls": {"certificateAuthorityData": good_ca}}},
            )

            async def url_invalid() -> bool:
                found = await conditions()
                return found.get("EndpointURLValid") == ("False", "InvalidEndpointURL") and found.get(
                    "TLSConfigurationValid"
                ) == ("True", "Success")

            await eventually(url_invalid)

            await kube.merge_patch(path, {"spec": {"endpoint": url}})

            async def ready() -> bool:
                return bool((await kube.get(path)).get("status", {}).get("phase") == "Ready")

            await eventually(ready)
            assert set((await conditions()).values()) == {("True", "Success")}
            authenticator = cache.get(key)
            assert authenticator is not None
            user = await authenticator.authenticate("good-token")
            assert user is not None
            assert user.username == "pinny"
            assert await authenticator.authenticate("bad-token") is None
        finally:
            await kube.delete(path)

        async def gone() -> bool:
            return cache.get(key) is None

        await eventually(gone)
    await cache.close()


async def test_serving_secret_rotation_lands_in_the_apiservice(
    cluster: Cluster, namespace: str, kube: KubeClient
) -> None:
    group = f"{uuid.uuid4().hex[:8]}.pinniped-it.example.com"
    apiservice_name = f"v1alpha1.{group}"
    apiservice_path = resource_path("apiregistration.k8s.io", "v1", "apiservices", name=apiservice_name)
    await kube.create(
        resource_path("apiregistration.k8s.io", "v1", "apiservices"),
        {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": apiservice_name},
            "spec": {
                "group": group,
                "version": "v1alpha1",
                "groupPriorityMinimum": 100,
                "versionPriority": 1,
                "service": {"name": "nothing-here", "namespace": namespace, "port": 443},
            },
        },
    )
    settings = ServingCertSettings(namespace=namespace, extra_hosts=("localhost",))
    secret_path = resource_path("", "v1", "secrets", namespace, settings.secret_name)
    secrets = Informer(kube, resource_path("", "v1", "secrets", namespace))
    key_pair = DynamicKeyPair()
    manager = ServingCertController(kube, secrets, key_pair, settings)
    updater = APIServiceUpdater(kube, secrets, namespace, settings.secret_name, [apiservice_name])

    async def bundle_matches_secret() -> bool:
        try:
            secret = await kube.get(secret_path)
        except Exception:
            return False
        bundle = (await kube.get(apiservice_path))["spec"].get("caBundle")
        return bool(bundle) and bundle == secret["data"]["caCertificate"]

    try:
        async with running(secrets, manager, updater):
            await eventually(bundle_matches_secret)
            first_ca = (await kube.get(secret_path))["data"]["caCertificate"]
            first_pair = key_pair.current
            assert first_pair is not None
            await kube.delete(secret_path)

            async def rotated() -> bool:
                if not await bundle_matches_secret():
                    return False
                return bool((await kube.get(secret_path))["data"]["caCertificate"] != first_ca)

            await eventually(rotated)
            assert key_pair.current not in (None, first_pair)
    finally:
        await kube.delete(apiservice_path)


async def test_credential_issuer_is_created_with_the_signer_state(
    cluster: Cluster, crds: None, kube: KubeClient
) -> None:
    name = unique("issuer")
    informer = Informer(kube, ISSUERS)
    controller = CredentialIssuerController(
        kube,
        informer,
        lambda: SignerHealth(ready=True, uses_csr_api=True),
        KubeAPIServerInfo(cluster.server, cluster.ca_pem),
        name=name,
    )

    async def reported() -> bool:
        try:
            issuer = await kube.get(f"{ISSUERS}/{name}")
        except Exception:
            return False
        return bool(issuer.get("status", {}).get("strategies"))

    try:
        async with running(informer, controller):
            await eventually(reported)
        (strategy,) = (await kube.get(f"{ISSUERS}/{name}"))["status"]["strategies"]
        assert strategy["status"] == "Success"
        info = strategy["frontend"]["tokenCredentialRequestInfo"]
        assert info["server"] == cluster.server
        assert base64.b64decode(info["certificateAuthorityData"]) == cluster.ca_pem
    finally:
        cluster.kubectl("delete", "credentialissuer", name, check=False)
