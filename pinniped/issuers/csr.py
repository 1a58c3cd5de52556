"""Issue client certificates through the certificates.k8s.io/v1 CSR API (needs no signing key).

Create a CSR for signer `kubernetes.io/kube-apiserver-client`, approve it ourselves, wait a bounded
time for kube-controller-manager to sign it, then delete it. The private key never leaves us.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from pinniped.certs.authority import (
    IssuedCertificate,
    new_private_key,
    private_key_pem,
)
from pinniped.issuers.base import IssuerError, IssuerHealth

log = logging.getLogger(__name__)

CSR_PATH: Final = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
SIGNER_NAME: Final = "kubernetes.io/kube-apiserver-client"
APPROVAL_REASON: Final = "PinnipedConciergeApproved"
MIN_EXPIRATION_SECONDS: Final = 600  # kube-controller-manager refuses anything shorter


class CSRClient(Protocol):
    """The part of pinniped.kube.KubeClient this issuer uses."""

    async def create(
        self, path: str, body: dict[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]: ...

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]: ...

    async def replace(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...

    async def delete(self, path: str) -> dict[str, Any]: ...


Sleep = Callable[[float], Awaitable[None]]


class CSRIssuer:
    def __init__(
        self,
        client: CSRClient,
        timeout: float = 10.0,
        name_prefix: str = "pinniped-concierge-",
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._name_prefix = name_prefix
        self._sleep = sleep

    def health(self) -> IssuerHealth:
        # Whether kube-controller-manager signs is only known by trying; the API is always there.
        return IssuerHealth(ready=True, uses_csr_api=True)

    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        key = new_private_key()
        request = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(_subject(username, groups))
            .sign(key, hashes.SHA256())
        )
        body = _csr_object(self._name_prefix, request, ttl)
        try:
            created = await self._client.create(CSR_PATH, body)
        except Exception as error:
            raise IssuerError(f"cannot create a CertificateSigningRequest: {error}") from None
        name = str(created.get("metadata", {}).get("name", ""))
        try:
            await self._approve(created)
            cert_pem = await asyncio.wait_for(self._wait_for_certificate(name), self._timeout)
        except TimeoutError:
            raise IssuerError(
                f"CertificateSigningRequest {name} was not signed within {self._timeout:g}s"
            ) from None
        finally:
            await self._delete(name)
        return _issued(cert_pem, key)

    async def _approve(self, csr: dict[str, Any]) -> None:
        name = csr["metadata"]["name"]
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        approved = {
            **csr,
            "status": {
                **(csr.get("status") or {}),
                "conditions": [
                    {
                        "type": "Approved",
                        "status": "True",
                        "reason": APPROVAL_REASON,
                        "message": "approved by the Pinniped Concierge for a credential request",
                        "lastUpdateTime": now,
                    }
                ],
            },
        }
        try:
            await self._client.replace(f"{CSR_PATH}/{name}/approval", approved)
        except Exception as error:
            raise IssuerError(f"cannot approve CertificateSigningRequest {name}: {error}") from None

    async def _wait_for_certificate(self, name: str) -> bytes:
        delay = 0.05
        while True:
            try:
                csr = await self._client.get(f"{CSR_PATH}/{name}")
            except Exception as error:
                raise IssuerError(f"cannot read CertificateSigningRequest {name}: {error}") from None
            status = csr.get("status") or {}
            for condition in status.get("conditions") or []:
                if condition.get("type") in ("Denied", "Failed") and condition.get("status") == "True":
                    raise IssuerError(
                        f"CertificateSigningRequest {name} {condition['type'].lower()}: "
                        f"{condition.get('message', '')}"
                    )
            if status.get("certificate"):
                return base64.b64decode(status["certificate"])
            await self._sleep(delay)
            delay = min(delay * 2, 0.5)

    async def _delete(self, name: str) -> None:
        if not name:
            return
        try:
            await self._client.delete(f"{CSR_PATH}/{name}")
        except Exception as error:
            log.warning(
                "could not delete CertificateSigningRequest",
                extra={"name": name, "error": str(error)},
            )


def _subject(username: str, groups: Sequence[str]) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, group) for group in groups]
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, username))
    return x509.Name(attributes)


def _csr_object(
    prefix: str, request: x509.CertificateSigningRequest, ttl: datetime.timedelta
) -> dict[str, Any]:
    pem = request.public_bytes(serialization.Encoding.PEM)
    return {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"generateName": prefix},
        "spec": {
            "request": base64.b64encode(pem).decode(),
            "signerName": SIGNER_NAME,
            "expirationSeconds": max(MIN_EXPIRATION_SECONDS, int(ttl.total_seconds())),
            "usages": ["client auth"],
        },
    }


def _issued(cert_pem: bytes, key: Any) -> IssuedCertificate:
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise IssuerError("the signed certificate could not be parsed") from None
    ours = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    theirs = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if ours != theirs:
        raise IssuerError("the signed certificate does not match the requested key")
    return IssuedCertificate(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=private_key_pem(key),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )
