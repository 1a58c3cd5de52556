"""Keeps the CredentialIssuer (`pinniped-concierge-config`) present and its status current.

The status lists one strategy, the certificate signer's state, with the TokenCredentialRequest
frontend (kube-apiserver's URL and CA) while the signer works. The signer's health comes from a
callable, so this controller knows nothing about how certificates are issued.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pinniped.api import config as config_api
from pinniped.api.groups import CREDENTIAL_ISSUERS, VERSION, ConciergeGroups
from pinniped.controllers.base import Clock, EventType, KubeApi, Object, ObjectSource, rfc3339
from pinniped.controllers.base import utc_now as default_clock
from pinniped.controllers.workqueue import WorkQueue, run_single_key
from pinniped.kube.client import resource_path
from pinniped.kube.errors import Conflict, NotFound

log = logging.getLogger(__name__)

DEFAULT_GROUPS: Final = ConciergeGroups()
KEY_FETCHED_MESSAGE: Final = "key was fetched successfully"
# Upstream has no CSR-API strategy. We report it under the same strategy type (the CRD's enum and
# upstream clients know only that one) with reason FetchedKey, and say in the message what is used.
CSR_API_MESSAGE: Final = (
    "client certificates are issued through the Kubernetes CSR API "
    "(signer kubernetes.io/kube-apiserver-client)"
)


@dataclass(frozen=True)
class SignerHealth:
    """What the certificate signer reports: working or not, and how it signs."""

    ready: bool
    error: str = ""
    uses_csr_api: bool = False


@dataclass(frozen=True)
class KubeAPIServerInfo:
    """Where clients reach kube-apiserver, for the TokenCredentialRequest frontend."""

    server: str
    ca_pem: bytes


def desired_strategy(health: SignerHealth, apiserver: KubeAPIServerInfo) -> dict[str, Any]:
    """The strategy entry without lastUpdateTime."""
    if not health.ready:
        return {
            "type": "KubeClusterSigningCertificate",
            "status": "Error",
            "reason": "CouldNotFetchKey",
            "message": health.error or "the certificate signer is not ready",
        }
    return {
        "type": "KubeClusterSigningCertificate",
        "status": "Success",
        "reason": "FetchedKey",
        "message": CSR_API_MESSAGE if health.uses_csr_api else KEY_FETCHED_MESSAGE,
        "frontend": {
            "type": "TokenCredentialRequestAPI",
            "tokenCredentialRequestInfo": {
                "server": apiserver.server,
                "certificateAuthorityData": base64.b64encode(apiserver.ca_pem).decode("ascii"),
            },
        },
    }


class CredentialIssuerController:
    def __init__(
        self,
        client: KubeApi,
        informer: ObjectSource,
        signer_health: Callable[[], SignerHealth],
        apiserver: KubeAPIServerInfo,
        *,
        name: str = config_api.DEFAULT_NAME,
        groups: ConciergeGroups = DEFAULT_GROUPS,
        clock: Clock = default_clock,
        poll_seconds: float = 5.0,
        labels: dict[str, str] | None = None,
    ) -> None:
        self._client = client
        self._informer = informer
        self._signer_health = signer_health
        self._apiserver = apiserver
        self._name = name
        self._groups = groups
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._labels = labels or {}
        self._queue = WorkQueue()
        self._path = resource_path(groups.config, VERSION, CREDENTIAL_ISSUERS)
        informer.add_listener(self._on_event)

    def _on_event(self, event: EventType, obj: Object) -> None:
        if obj.get("metadata", {}).get("name") == self._name:
            self._queue.add(self._name)

    async def run(self) -> None:
        await run_single_key(
            "credentialissuer", self._queue, self._name, self._informer.synced, self.sync, self._poll_seconds
        )

    async def sync(self) -> None:
        current = self._informer.get(self._name)
        if current is None:
            current = await self._create()
        strategy = desired_strategy(self._signer_health(), self._apiserver)
        existing = (current.get("status") or {}).get("strategies") or []
        if len(existing) == 1 and _without_time(existing[0]) == strategy:
            return
        strategy["lastUpdateTime"] = rfc3339(self._clock())
        await self._client.merge_patch(
            f"{self._path}/{self._name}/status", {"status": {"strategies": [strategy]}}
        )
        log.info(
            "updated credential issuer status",
            extra={
                "credential_issuer": self._name,
                "status": strategy["status"],
                "reason": strategy["reason"],
            },
        )

    async def _create(self) -> Object:
        body: Object = {
            "apiVersion": self._groups.api_version(self._groups.config),
            "kind": config_api.KIND,
            "metadata": {"name": self._name, "labels": self._labels},
            "spec": {},
        }
        try:
            return await self._client.create(self._path, body)
        except Conflict:
            try:
                return await self._client.get(f"{self._path}/{self._name}")
            except NotFound:
                raise Conflict(409, "Conflict", "credential issuer is being replaced") from None


def _without_time(strategy: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in strategy.items() if key != "lastUpdateTime"}
