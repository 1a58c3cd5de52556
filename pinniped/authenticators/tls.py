"""CA bundles from `spec.tls.certificateAuthorityData`, and the TLS context for calling a webhook.

Error texts follow upstream's `TLSConfigurationValid` messages, so conditions read the same.
"""

from __future__ import annotations

import base64
import binascii
import re
import ssl
from typing import Final

from cryptography import x509

CA_DATA_FIELD: Final = "spec.tls.certificateAuthorityData"
_BASE64: Final = re.compile(r"[A-Za-z0-9+/]")
_PEM_CERT_HEADER: Final = b"-----BEGIN CERTIFICATE-----"


class InvalidCABundleError(ValueError):
    """The CA data cannot be used; str() is the whole condition message."""


def _decode_base64(data: str) -> bytes:
    """Strict standard base64 (newlines ignored); errors say "illegal ... at input byte N" as Go."""
    text = data.replace("\r", "").replace("\n", "")
    for index, char in enumerate(text):
        if char == "=":
            if text[index:].strip("=") or len(text) % 4:
                return _raise_illegal(index)
            break
        if not _BASE64.fullmatch(char):
            return _raise_illegal(index)
    if len(text) % 4:
        return _raise_illegal(len(text) - len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return _raise_illegal(0)


def _raise_illegal(index: int) -> bytes:
    raise InvalidCABundleError(f"{CA_DATA_FIELD} is invalid: illegal base64 data at input byte {index}")


def decode_ca_bundle(data: str) -> bytes | None:
    """The PEM bundle in base64 `data`: None when empty (system roots), else checked PEM."""
    if not data:
        return None
    pem = _decode_base64(data)
    try:
        certificates = x509.load_pem_x509_certificates(pem) if _PEM_CERT_HEADER in pem else []
    except ValueError:
        certificates = []
    if not certificates:
        raise InvalidCABundleError(
            f"{CA_DATA_FIELD} is invalid: no base64-encoded PEM certificates found in "
            f"{len(data)} bytes of data "
            f'(PEM certificates must begin with "{_PEM_CERT_HEADER.decode()}")'
        )
    return pem


def client_ssl_context(ca_pem: bytes | None) -> ssl.SSLContext:
    """Verify the server against `ca_pem` (or the system roots when None); TLS 1.2 or newer."""
    context = ssl.create_default_context()
    if ca_pem is not None:
        context = ssl.create_default_context(cadata=ca_pem.decode("ascii"))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
