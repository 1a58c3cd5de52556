"""Sign client certificates with the cluster's client CA (upstream's KubeClusterSigningCertificate).

The CA comes from files (re-read when they change, checked at most once a second) or from a Secret
an Informer keeps current. The request path reads the last good CA from memory.
"""

from __future__ import annotations

import base64
import datetime
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, Protocol

from pinniped.certs.authority import CertificateAuthority, Clock, IssuedCertificate, utc_now
from pinniped.issuers.base import IssuerError, IssuerHealth


class CASource(Protocol):
    def current(self) -> CertificateAuthority:
        """The CA to sign with now; IssuerError when none is usable."""
        ...


class FileCASource:
    """A CA cert and key read from files, re-read whenever either file's mtime or size changes.

    The files are looked at no more than once per `recheck_seconds`, so a busy request path does
    not stat() them on every certificate.
    """

    def __init__(
        self,
        cert_path: Path,
        key_path: Path,
        clock: Clock = utc_now,
        recheck_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cert_path = cert_path
        self._key_path = key_path
        self._clock = clock
        self._recheck_seconds = recheck_seconds
        self._monotonic = monotonic
        self._checked_at: float | None = None
        self._stamp: tuple[int, int, int, int] | None = None
        self._authority: CertificateAuthority | None = None
        self.error: str | None = None

    def current(self) -> CertificateAuthority:
        now = self._monotonic()
        fresh = self._checked_at is not None and now - self._checked_at < self._recheck_seconds
        if fresh and self._authority is not None:
            return self._authority
        self._checked_at = now
        try:
            cert_stat, key_stat = self._cert_path.stat(), self._key_path.stat()
        except OSError as error:
            self._fail(f"cannot read the signing certificate or key: {error.strerror}")
        stamp = (cert_stat.st_mtime_ns, cert_stat.st_size, key_stat.st_mtime_ns, key_stat.st_size)
        if stamp != self._stamp or self._authority is None:
            try:
                self._authority = CertificateAuthority.load(
                    self._cert_path.read_bytes(), self._key_path.read_bytes(), self._clock
                )
            except (OSError, ValueError, TypeError) as error:
                # Leave the stamp unset so a half-written file is retried on the next request.
                self._stamp = None
                self._fail(f"cannot load the signing certificate and key: {_first_line(error)}")
            self._stamp = stamp
            self.error = None
        return self._authority

    def _fail(self, message: str) -> NoReturn:
        self._authority = None
        self.error = message
        raise IssuerError(message)


class SecretCASource:
    """A CA from a Secret's `tls.crt`/`tls.key`, as an Informer's store holds it."""

    def __init__(
        self,
        lookup: Callable[[], Mapping[str, Any] | None],
        description: str,
        clock: Clock = utc_now,
    ) -> None:
        self._lookup = lookup
        self._description = description
        self._clock = clock
        self._version: str | None = None
        self._authority: CertificateAuthority | None = None
        self.error: str | None = None

    def current(self) -> CertificateAuthority:
        secret = self._lookup()
        if secret is None:
            self._authority, self._version = None, None
            self.error = f"signing Secret {self._description} not found"
            raise IssuerError(self.error)
        version = str(secret.get("metadata", {}).get("resourceVersion", ""))
        if self._authority is None or version != self._version:
            data = secret.get("data") or {}
            try:
                cert_pem = base64.b64decode(data["tls.crt"], validate=True)
                key_pem = base64.b64decode(data["tls.key"], validate=True)
                self._authority = CertificateAuthority.load(cert_pem, key_pem, self._clock)
            except (KeyError, ValueError, TypeError) as error:
                self._authority = None
                self.error = f"signing Secret {self._description} is unusable: {_first_line(error)}"
                raise IssuerError(self.error) from None
            self._version = version
            self.error = None
        return self._authority


class ClusterSigningIssuer:
    """Issues client certificates signed by the cluster's client CA."""

    def __init__(self, source: CASource) -> None:
        self._source = source

    def health(self) -> IssuerHealth:
        try:
            self._source.current()
        except IssuerError as error:
            return IssuerHealth(ready=False, error=str(error))
        return IssuerHealth(ready=True)

    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        return self._source.current().issue_client_certificate(username, groups, ttl)


def _first_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]
