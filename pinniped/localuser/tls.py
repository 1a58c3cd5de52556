"""The serving certificate: created once into a Secret, then reused; and the server's SSLContext.

There is no rotation, like upstream: the CA and certificate live for about a hundred years.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import logging
import os
import ssl
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from pinniped.certs.authority import CertificateAuthority, Clock, utc_now
from pinniped.kube.client import resource_path
from pinniped.kube.errors import Conflict, NotFound
from pinniped.localuser.config import APP_NAME, TLS_SECRET_NAME, TLSVersion, service_hosts

log = logging.getLogger(__name__)

CA_COMMON_NAME: Final = "local-user-authenticator CA"
LIFETIME: Final = datetime.timedelta(days=100 * 365)
CA_KEY: Final = "caCertificate"
KEY_KEY: Final = "tlsPrivateKey"
CHAIN_KEY: Final = "tlsCertificateChain"
TLS12_CIPHERS: Final = "ECDHE+AESGCM:ECDHE+CHACHA20"


class TLSBootstrapError(RuntimeError):
    """The serving Secret exists but cannot be used."""


class SecretClient(Protocol):
    """The part of KubeClient the bootstrap uses."""

    async def get(self, path: str) -> dict[str, Any]: ...

    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ServingMaterial:
    ca_pem: bytes
    key_pem: bytes
    chain_pem: bytes


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
    authority = CertificateAuthority.create(CA_COMMON_NAME, LIFETIME, clock)
    issued = authority.issue_serving_certificate(hosts, LIFETIME)
    return ServingMaterial(authority.cert_pem, issued.key_pem, issued.cert_pem)


def material_from_secret(secret: dict[str, Any]) -> ServingMaterial:
    data = secret.get("data") or {}
    try:
        values = [base64.b64decode(data[k], validate=True) for k in (CA_KEY, KEY_KEY, CHAIN_KEY)]
    except (KeyError, TypeError, binascii.Error) as error:
        raise TLSBootstrapError(
            f"Secret {TLS_SECRET_NAME} lacks a valid {CA_KEY}, {KEY_KEY} or {CHAIN_KEY}"
        ) from error
    return ServingMaterial(*values)


def _secret(namespace: str, material: ServingMaterial) -> dict[str, Any]:
    def encode(value: bytes) -> str:
        return base64.b64encode(value).decode()

    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": TLS_SECRET_NAME, "namespace": namespace, "labels": {"app": APP_NAME}},
        "type": "Opaque",
        "data": {
            CA_KEY: encode(material.ca_pem),
            KEY_KEY: encode(material.key_pem),
            CHAIN_KEY: encode(material.chain_pem),
        },
    }


def server_ssl_context(material: ServingMaterial, min_version: TLSVersion = "1.3") -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if min_version == "1.3":
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(TLS12_CIPHERS)
    with _pem_files(material.chain_pem, material.key_pem) as (chain_file, key_file):
        try:
            context.load_cert_chain(chain_file, key_file)
        except ssl.SSLError as error:
            raise TLSBootstrapError("the serving certificate or key cannot be loaded") from error
    return context


@contextlib.contextmanager
def _pem_files(chain_pem: bytes, key_pem: bytes) -> Iterator[tuple[str, str]]:
    """ssl only loads keys from paths: use anonymous memory files where Linux offers them."""
    if hasattr(os, "memfd_create"):
        fds = [os.memfd_create("tls-chain"), os.memfd_create("tls-key")]
        try:
            for fd, pem in zip(fds, (chain_pem, key_pem), strict=True):
                os.write(fd, pem)
            yield f"/proc/self/fd/{fds[0]}", f"/proc/self/fd/{fds[1]}"
        finally:
            for fd in fds:
                os.close(fd)
        return
    with tempfile.TemporaryDirectory() as directory:
        chain_path, key_path = Path(directory, "chain.pem"), Path(directory, "key.pem")
        chain_path.write_bytes(chain_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(key_pem)
        yield str(chain_path), str(key_path)
