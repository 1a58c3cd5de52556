"""The credential the Concierge hands out, and its ExecCredentialStatus form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pinniped.api.execcredential import ExecCredentialStatus
from pinniped.api.login import ClusterCredential as WireClusterCredential


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with second precision, as metav1.Time marshals."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; naive values are taken as UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ClusterCredential:
    """A short-lived cluster credential: a client certificate and key (or a token)."""

    expiration_timestamp: datetime | None
    client_certificate_data: str | None = None
    client_key_data: str | None = None
    token: str | None = None

    @classmethod
    def from_wire(cls, wire: WireClusterCredential) -> ClusterCredential:
        expiration = wire.get("expirationTimestamp")
        return cls(
            expiration_timestamp=parse_timestamp(expiration) if expiration else None,
            client_certificate_data=wire.get("clientCertificateData") or None,
            client_key_data=wire.get("clientKeyData") or None,
            token=wire.get("token") or None,
        )

    def exec_credential_status(self) -> ExecCredentialStatus:
        """The `status` of an ExecCredential in the field order upstream's CLI prints."""
        expiration = self.expiration_timestamp
        status: ExecCredentialStatus = {
            "expirationTimestamp": format_timestamp(expiration) if expiration else None
        }
        if self.token:
            status["token"] = self.token
        if self.client_certificate_data:
            status["clientCertificateData"] = self.client_certificate_data
        if self.client_key_data:
            status["clientKeyData"] = self.client_key_data
        return status

    def __repr__(self) -> str:
        # Keys and tokens must not end up in logs or tracebacks through repr().
        return f"ClusterCredential(expiration_timestamp={self.expiration_timestamp!r}, ...)"
