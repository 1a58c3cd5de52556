"""Validation of Concierge client parameters, with upstream's messages (cheap: no TLS, no URLs lib)."""

from __future__ import annotations

import binascii
import re

from pinniped.api.authentication import JWT_KIND, WEBHOOK_KIND
from pinniped.client.errors import InvalidConciergeParameters

_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.DOTALL)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY = re.compile(r"^//([^/?#@]*@)?(\[[0-9A-Fa-f:.]+\]|[^/?#:\[\]]+)(:[0-9]{1,5})?(?=[/?#]|$)")
# Same as pinniped.api.groups.AUTHENTICATOR_KINDS; that module costs a dataclasses import.
_AUTHENTICATOR_KINDS = {"webhook": WEBHOOK_KIND, "jwt": JWT_KIND}
_DNS_SUFFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")


def count_certificates(pem: bytes) -> int:
    """How many PEM CERTIFICATE blocks decode to DER, like Go's CertPool.AppendCertsFromPEM."""
    count = 0
    for block in _PEM_CERTIFICATE.findall(pem):
        try:
            der = binascii.a2b_base64(block)
        except binascii.Error:
            continue
        count += der[:1] == b"\x30"
    return count


def endpoint_url(endpoint: str) -> str:
    """The https base URL without a trailing slash."""
    if not endpoint:
        raise InvalidConciergeParameters("endpoint must not be empty")
    match = _SCHEME.match(endpoint)
    scheme = match.group(1).lower() if match else ""
    if scheme != "https":
        raise InvalidConciergeParameters(f'invalid endpoint scheme "{scheme}" (must be "https")')
    if not _AUTHORITY.match(endpoint[len("https:") :]):
        raise InvalidConciergeParameters(f"invalid endpoint URL: no valid host in {endpoint!r}")
    return endpoint.rstrip("/")


def ca_bundle_pem(ca_bundle: bytes | None) -> str | None:
    """The PEM text, or None for the system roots when no bundle is given."""
    if not ca_bundle:
        return None
    if not count_certificates(ca_bundle):
        raise InvalidConciergeParameters("invalid CA bundle data: no certificates found")
    return ca_bundle.decode("ascii", errors="replace")


def authenticator_kind(authenticator_type: str, name: str) -> str:
    """WebhookAuthenticator or JWTAuthenticator, for type "webhook" or "jwt" (any case)."""
    if not name:
        raise InvalidConciergeParameters("authenticator name must not be empty")
    kind = _AUTHENTICATOR_KINDS.get(authenticator_type.lower())
    if kind is None:
        raise InvalidConciergeParameters(
            f'invalid authenticator type: "{authenticator_type}", supported values are "webhook" and "jwt"'
        )
    return kind


def api_group_suffix(suffix: str) -> str:
    if not _DNS_SUFFIX.match(suffix):
        raise InvalidConciergeParameters(f"invalid API group suffix: {suffix!r}")
    return suffix
