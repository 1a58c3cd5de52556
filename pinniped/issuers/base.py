"""What a client-certificate issuer is, and a chain that tries several in turn."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pinniped.certs.authority import IssuedCertificate


class IssuerError(Exception):
    """The issuer could not produce a certificate (key not loaded, CSR denied, timeout, ...)."""


@dataclass(frozen=True)
class IssuerHealth:
    """Whether an issuer can sign right now, for the CredentialIssuer status."""

    ready: bool
    error: str = ""
    uses_csr_api: bool = False


class ClientCertIssuer(Protocol):
    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        """A client certificate with CN = username and O = groups; IssuerError on failure."""
        ...


class IssuerChain:
    """Tries each issuer in order; the first certificate wins, otherwise all errors are reported."""

    def __init__(self, issuers: Sequence[ClientCertIssuer]) -> None:
        self._issuers = list(issuers)

    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        errors: list[str] = []
        for issuer in self._issuers:
            try:
                return await issuer.issue(username, groups, ttl)
            except IssuerError as error:
                errors.append(f"{type(issuer).__name__}: {error}")
        if not errors:
            raise IssuerError("no client certificate issuers are configured")
        raise IssuerError("; ".join(errors))
