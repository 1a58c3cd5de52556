"""The aggregated API's serving certificate: create, observe, expire (upstream's apicerts trio).

One Secret holds a self-made CA and a serving certificate it signed (`caCertificate`,
`tlsPrivateKey`, `tlsCertificateChain`). When the Secret is missing it is created; whenever it
changes, the key pair is handed to a DynamicKeyPair so the server swaps its TLS context live; when
the certificate is due for renewal (or cannot be read) the Secret is deleted, and the next round
creates a new CA and certificate.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import logging
from dataclasses import dataclass, field
from typing import Final

from cryptography import x509

from pinniped.certs.dynamic import DynamicKeyPair, KeyPair
from pinniped.certs.serving_secret import CHAIN_KEY, PRIVATE_KEY_KEY, new_serving_material, secret_data
from pinniped.controllers.base import Clock, EventType, KubeApi, Object, ObjectSource
from pinniped.controllers.base import utc_now as default_clock
from pinniped.controllers.workqueue import WorkQueue, run_single_key
from pinniped.kube.client import resource_path
from pinniped.kube.errors import Conflict, NotFound

log = logging.getLogger(__name__)

CA_COMMON_NAME: Final = "Pinniped CA"


@dataclass(frozen=True)
class ServingCertSettings:
    namespace: str
    service_name: str = "pinniped-concierge-api"
    secret_name: str = "pinniped-concierge-api-tls-serving-certificate"
    extra_hosts: tuple[str, ...] = ()
    duration: datetime.timedelta = datetime.timedelta(days=30)
    renew_before: datetime.timedelta = datetime.timedelta(days=25)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        service = f"{self.service_name}.{self.namespace}.svc"
        return [service, f"{service}.cluster.local", *self.extra_hosts]


def _decoded(secret: Object, key: str) -> bytes:
    return base64.b64decode((secret.get("data") or {}).get(key) or "")


def _leaf(secret: Object) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(_decoded(secret, CHAIN_KEY))
    except ValueError:
        return None


class ServingCertController:
    """Manager, observer and expirer for the serving Secret, driven by an informer on it."""

    def __init__(
        self,
        client: KubeApi,
        secrets: ObjectSource,
        key_pair: DynamicKeyPair,
        settings: ServingCertSettings,
        *,
        clock: Clock = default_clock,
        check_seconds: float = 60.0,
    ) -> None:
        self._client = client
        self._secrets = secrets
        self._key_pair = key_pair
        self._settings = settings
        self._clock = clock
        self._check_seconds = check_seconds
        self._queue = WorkQueue()
        self._key = f"{settings.namespace}/{settings.secret_name}"
        self._path = resource_path("", "v1", "secrets", settings.namespace)
        secrets.add_listener(self._on_event)

    def _on_event(self, event: EventType, obj: Object) -> None:
        metadata = obj.get("metadata", {})
        if metadata.get("name") == self._settings.secret_name:
            if event != "DELETED":
                self._observe(obj)
            self._queue.add(self._key)

    async def run(self) -> None:
        await run_single_key(
            "servingcert", self._queue, self._key, self._secrets.synced, self.sync, self._check_seconds
        )

    async def sync(self) -> None:
        secret = self._secrets.get(self._key)
        if secret is None:
            await self._create()
            return
        self._observe(secret)
        reason = self._renewal_reason(secret)
        if reason:
            log.info("rotating serving certificate", extra={"secret": self._key, "reason": reason})
            with contextlib.suppress(NotFound):
                await self._client.delete(f"{self._path}/{self._settings.secret_name}")

    def _observe(self, secret: Object) -> None:
        """Serve the Secret's key pair; a broken Secret keeps the previous pair until replaced."""
        if _leaf(secret) is None:
            return
        self._key_pair.set(KeyPair(_decoded(secret, CHAIN_KEY), _decoded(secret, PRIVATE_KEY_KEY)))

    def _renewal_reason(self, secret: Object) -> str:
        leaf = _leaf(secret)
        if leaf is None:
            return "certificate cannot be parsed"
        now = self._clock()
        if now >= leaf.not_valid_after_utc:
            return "certificate has expired"
        if now - leaf.not_valid_before_utc >= self._settings.renew_before:
            return "certificate is due for renewal"
        return ""

    async def _create(self) -> None:
        settings = self._settings
        material = new_serving_material(CA_COMMON_NAME, settings.hosts, settings.duration, self._clock)
        body: Object = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {
                "name": settings.secret_name,
                "namespace": settings.namespace,
                "labels": settings.labels,
            },
            "data": secret_data(material),
        }
        try:
            await self._client.create(self._path, body)
        except Conflict:
            return  # someone else (another replica) made it; the informer will bring it
        log.info("created serving certificate", extra={"secret": self._key, "hosts": settings.hosts})
