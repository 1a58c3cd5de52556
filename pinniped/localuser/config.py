"""Names the server and its tools agree on, and the server's settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from pinniped.log import LogFormat

NAMESPACE: Final = "local-user-authenticator"
APP_NAME: Final = "local-user-authenticator"
TLS_SECRET_NAME: Final = "local-user-authenticator-tls-serving-certificate"
PASSWORD_HASH_KEY: Final = "passwordHash"
GROUPS_KEY: Final = "groups"
AUTHENTICATE_PATH: Final = "/authenticate"
DEFAULT_PORT: Final = 8443
MAX_BODY_BYTES: Final = 64 * 1024

TLSVersion = Literal["1.2", "1.3"]


def service_hosts(namespace: str) -> tuple[str, str]:
    """The DNS names the in-cluster Service answers to; every serving certificate carries them."""
    return (f"{APP_NAME}.{namespace}.svc", f"{APP_NAME}.{namespace}.svc.cluster.local")


@dataclass(frozen=True)
class ServeConfig:
    kubeconfig: str | None = None
    namespace: str = NAMESPACE
    listen_address: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    tls_hosts: tuple[str, ...] = ()
    """Extra SANs for a newly created serving certificate (e.g. localhost, 127.0.0.1)."""
    tls_min_version: TLSVersion = "1.3"
    log_format: LogFormat = "text"
    max_body_bytes: int = MAX_BODY_BYTES
