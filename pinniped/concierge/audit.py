"""One named audit event per TokenCredentialRequest outcome. Tokens appear only as a SHA-256 id."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Final

from pinniped.authenticators.base import AuthenticatorKey
from pinniped.certs.authority import IssuedCertificate
from pinniped.concierge.wire import rfc3339

TOKEN_RECEIVED: Final = "TokenCredentialRequest Token Received"
AUTHENTICATED_USER: Final = "TokenCredentialRequest Authenticated User"
AUTHENTICATION_FAILED: Final = "TokenCredentialRequest Authentication Failed"
UNEXPECTED_ERROR: Final = "TokenCredentialRequest Unexpected Error"
UNSUPPORTED_USER_INFO: Final = "TokenCredentialRequest Unsupported UserInfo"


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ref(key: AuthenticatorKey) -> dict[str, str]:
    return {"apiGroup": key.api_group, "kind": key.kind, "name": key.name}


class AuditLog:
    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or logging.getLogger("pinniped.concierge.audit")

    def token_received(self, token: str) -> None:
        self._log.info(TOKEN_RECEIVED, extra={"auditEvent": True, "tokenID": token_id(token)})

    def authenticated(
        self,
        username: str,
        groups: Sequence[str],
        authenticator: AuthenticatorKey,
        certificate: IssuedCertificate,
    ) -> None:
        self._log.info(
            AUTHENTICATED_USER,
            extra={
                "auditEvent": True,
                "username": username,
                "groups": list(groups),
                "authenticator": _ref(authenticator),
                "issuedClientCert": {
                    "notBefore": rfc3339(certificate.not_before),
                    "notAfter": rfc3339(certificate.not_after),
                },
            },
        )

    def authentication_failed(self, reason: str, authenticator: AuthenticatorKey) -> None:
        self._log.info(
            AUTHENTICATION_FAILED,
            extra={"auditEvent": True, "reason": reason, "authenticator": _ref(authenticator)},
        )

    def unsupported_user_info(self, reason: str, username: str) -> None:
        self._log.info(
            UNSUPPORTED_USER_INFO,
            extra={"auditEvent": True, "reason": reason, "username": username},
        )

    def unexpected_error(self, reason: str) -> None:
        self._log.info(UNEXPECTED_ERROR, extra={"auditEvent": True, "reason": reason})
