"""Who is calling: the user kube-apiserver's aggregator vouches for, or anonymous.

The X-Remote-* headers are believed only when the TLS client certificate was issued by the
requestheader CA (checked again here, against the CA as it is now) and its CN is an allowed
name. Anything else is `system:anonymous`, whatever headers it sends.
"""

from __future__ import annotations

import datetime
import hashlib
import ssl
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID
from multidict import CIMultiDictProxy

from pinniped.certs.authority import Clock, utc_now
from pinniped.concierge.requestheader import RequestHeaderConfig

ANONYMOUS_USER: Final = "system:anonymous"
UNAUTHENTICATED_GROUP: Final = "system:unauthenticated"
AUTHENTICATED_GROUP: Final = "system:authenticated"
MASTERS_GROUP: Final = "system:masters"


@dataclass(frozen=True)
class Caller:
    username: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, list[str]] = field(default_factory=dict)


ANONYMOUS: Final = Caller(ANONYMOUS_USER, groups=(UNAUTHENTICATED_GROUP,))


@dataclass(frozen=True)
class _Verified:
    common_name: str
    not_before: datetime.datetime
    not_after: datetime.datetime


class FrontProxyVerifier:
    def __init__(
        self,
        config: Callable[[], RequestHeaderConfig | None],
        clock: Clock = utc_now,
        cache_size: int = 256,
    ) -> None:
        self._config = config
        self._clock = clock
        self._cache_size = cache_size
        self._cache_for: RequestHeaderConfig | None = None
        self._verified: dict[bytes, _Verified | None] = {}

    def caller(self, ssl_object: ssl.SSLObject | None, headers: CIMultiDictProxy[str]) -> Caller:
        config = self._config()
        if config is None or ssl_object is None:
            return ANONYMOUS
        der = ssl_object.getpeercert(binary_form=True)
        if not der:
            return ANONYMOUS
        verified = self._verify_cached(der, config)
        if verified is None or not verified.not_before <= self._clock() <= verified.not_after:
            return ANONYMOUS
        if config.allowed_names and verified.common_name not in config.allowed_names:
            return ANONYMOUS
        return _caller_from_headers(config, headers) or ANONYMOUS

    def _verify_cached(self, der: bytes, config: RequestHeaderConfig) -> _Verified | None:
        # The TLS handshake already checked the chain, but against the CA of that moment; a
        # keep-alive connection outlives a CA rotation, so check again against today's CA.
        if config is not self._cache_for or len(self._verified) >= self._cache_size:
            self._cache_for = config
            self._verified = {}
        key = hashlib.sha256(der).digest()
        if key not in self._verified:
            self._verified[key] = _verify(der, config.client_cas)
        return self._verified[key]


def _verify(der: bytes, cas: tuple[x509.Certificate, ...]) -> _Verified | None:
    """The leaf's facts if a CA in the bundle directly issued it for client auth, else None."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    if not _allows_client_auth(cert):
        return None
    for ca in cas:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return _Verified(
            common_name=str(names[0].value) if names else "",
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
    return None


def _allows_client_auth(cert: x509.Certificate) -> bool:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in usages


def _caller_from_headers(config: RequestHeaderConfig, headers: CIMultiDictProxy[str]) -> Caller | None:
    username = next((value for name in config.username_headers if (value := headers.get(name, ""))), "")
    if not username:
        return None
    uid = next((value for name in config.uid_headers if (value := headers.get(name, ""))), "")
    groups = [g for name in config.group_headers for g in headers.getall(name, []) if g]
    extra: dict[str, list[str]] = {}
    for header, value in headers.items():
        lowered = header.lower()
        for prefix in config.extra_prefixes:
            if lowered.startswith(prefix.lower()) and len(lowered) > len(prefix):
                key = urllib.parse.unquote(lowered[len(prefix) :])
                extra.setdefault(key, []).append(value)
                break
    # As kube's delegating authenticator does: every authenticated user is system:authenticated.
    if AUTHENTICATED_GROUP not in groups and UNAUTHENTICATED_GROUP not in groups:
        groups.append(AUTHENTICATED_GROUP)
    return Caller(username, uid, tuple(groups), extra)
