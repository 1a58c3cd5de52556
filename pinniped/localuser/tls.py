"""The serving certificate: created once into a Secret, then reused; and the server's SSLContext.

There is no rotation, like upstream: the CA and certificate live for about a hundred years.
"""

from __future__ import annotations

import datetime
import logging
import ssl
from collections.abc import Sequence
from typing import Any, Final, Protocol

from pinniped.certs import serving_secret
from pinniped.certs.authority import Clock, utc_now
from pinniped.certs.pem_files import load_cert_chain_pem
from pinniped.certs.serving_secret import ServingMaterial
from pinniped.kube.client import resource_path
from pinniped.kube.errors import Conflict, NotFound
from pinniped.localuser.config import APP_NAME, TLS_SECRET_NAME, TLSVersion, service_hosts

log = logging.getLogger(__name__)

CA_COMMON_NAME: Final = "local-user-authenticator CA"
LIFETIME: Final = datetime.timedelta(days=100 * 365)
TLS12_CIPHERS: Final = "ECDHE+AESGCM:ECDHE+CHACHA20"


class TLSBootstrapError(RuntimeError):
    """The serving Secret exists but cannot be used."""


class SecretClient(Protocol):
    """The part of KubeClient the bootstrap uses."""

    async def get(self, path: str) -> dict[str, Any]: ...

    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


async def ensure_serving_secret(
    client: SecretClient,
    namespace: str,
    extra_hosts: Sequence[str] = (),
    clock: Clock = utc_now,
) -> ServingMaterial:
    """The serving Secret, created first when absent (a lost create race reads the winner)."""
    path = resource_path("", "v1", "secrets", namespace, TLS_SECRET_NAME)
    try:
        return material_from_secret(await client.get(path))
    except NotFound:
        pass
    defaults = service_hosts(namespace)
    hosts = [*defaults, *(host for host in extra_hosts if host not in defaults)]
    material = new_serving_material(hosts, clock)
    try:
        await client.create(resource_path("", "v1", "secrets", namespace), _secret(namespace, material))
        log.info("created the serving certificate", extra={"secret": TLS_SECRET_NAME})
        return material
    except Conflict:
        log.info("another instance created the serving certificate; using it")
        return material_from_secret(await client.get(path))


def new_serving_material(hosts: Sequence[str], clock: Clock = utc_now) -> ServingMaterial:
    return serving_secret.new_serving_material(CA_COMMON_NAME, hosts, LIFETIME, clock)


def material_from_secret(secret: dict[str, Any]) -> ServingMaterial:
    try:
        return serving_secret.material_from_data(secret.get("data"))
    except ValueError as error:
        raise TLSBootstrapError(f"Secret {TLS_SECRET_NAME}: {error}") from error


def _secret(namespace: str, material: ServingMaterial) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": TLS_SECRET_NAME, "namespace": namespace, "labels": {"app": APP_NAME}},
        "type": "Opaque",
        "data": serving_secret.secret_data(material),
    }


def server_ssl_context(material: ServingMaterial, min_version: TLSVersion = "1.3") -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if min_version == "1.3":
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(TLS12_CIPHERS)
    try:
        load_cert_chain_pem(context, material.chain_pem, material.key_pem)
    except ssl.SSLError as error:
        raise TLSBootstrapError("the serving certificate or key cannot be loaded") from error
    return context
