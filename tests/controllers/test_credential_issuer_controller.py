from __future__ import annotations

import base64

from pinniped.controllers.credential_issuer import (
    CredentialIssuerController,
    KubeAPIServerInfo,
    SignerHealth,
)
from tests.controllers.kube_fakes import FakeClock, FakeInformer, FakeKube

COLLECTION = "/apis/config.concierge.pinniped.dev/v1alpha1/credentialissuers"
PATH = f"{COLLECTION}/pinniped-concierge-config"
APISERVER = KubeAPIServerInfo("https://127.0.0.1:6443", b"-----BEGIN CERTIFICATE-----\n")


def setup(health: list[SignerHealth]) -> tuple[FakeKube, CredentialIssuerController, FakeClock]:
    kube, informer, clock = FakeKube(), FakeInformer(), FakeClock()
    kube.watch(COLLECTION, informer)
    controller = CredentialIssuerController(kube, informer, lambda: health[0], APISERVER, clock=clock)
    return kube, controller, clock


async def test_missing_credential_issuer_is_created_with_a_success_strategy() -> None:
    kube, controller, _ = setup([SignerHealth(ready=True)])
    await controller.sync()
    issuer = kube.objects[PATH]
    assert issuer["kind"] == "CredentialIssuer"
    assert issuer["apiVersion"] == "config.concierge.pinniped.dev/v1alpha1"
    assert issuer["status"]["strategies"] == [
        {
            "type": "KubeClusterSigningCertificate",
            "status": "Success",
            "reason": "FetchedKey",
            "message": "key was fetched successfully",
            "lastUpdateTime": "2025-01-02T03:04:05Z",
            "frontend": {
                "type": "TokenCredentialRequestAPI",
                "tokenCredentialRequestInfo": {
                    "server": "https://127.0.0.1:6443",
                    "certificateAuthorityData": base64.b64encode(APISERVER.ca_pem).decode(),
                },
            },
        }
    ]


async def test_signer_failure_is_reported_without_a_frontend() -> None:
    health = [SignerHealth(ready=False, error="could not load the cluster signing key")]
    kube, controller, _ = setup(health)
    await controller.sync()
    (strategy,) = kube.objects[PATH]["status"]["strategies"]
    assert strategy["status"] == "Error"
    assert strategy["reason"] == "CouldNotFetchKey"
    assert strategy["message"] == "could not load the cluster signing key"
    assert "frontend" not in strategy


async def test_csr_api_strategy_says_so_in_the_message() -> None:
    kube, controller, _ = setup([SignerHealth(ready=True, uses_csr_api=True)])
    await controller.sync()
    (strategy,) = kube.objects[PATH]["status"]["strategies"]
    assert strategy["type"] == "KubeClusterSigningCertificate"
    assert "CSR API" in strategy["message"]


async def test_status_is_rewritten_only_when_the_signer_changes() -> None:
    health = [SignerHealth(ready=True)]
    kube, controller, clock = setup(health)
    await controller.sync()
    clock.advance(minutes=5)
    await controller.sync()
    assert len(kube.patches) == 1
    health[0] = SignerHealth(ready=False, error="boom")
    await controller.sync()
    assert len(kube.patches) == 2
    (strategy,) = kube.objects[PATH]["status"]["strategies"]
    assert strategy["lastUpdateTime"] == "2025-01-02T03:09:05Z"


async def test_deleted_credential_issuer_is_recreated() -> None:
    kube, controller, _ = setup([SignerHealth(ready=True)])
    await controller.sync()
    await kube.delete(PATH)
    await controller.sync()
    assert kube.objects[PATH]["status"]["strategies"][0]["status"] == "Success"
