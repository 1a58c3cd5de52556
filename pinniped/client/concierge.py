"""ConciergeClient: exchange an external token for a cluster credential (standard library only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pinniped
from pinniped.api.groups import (
    DEFAULT_API_GROUP_SUFFIX,
    TOKEN_CREDENTIAL_REQUESTS,
    ConciergeGroups,
)
from pinniped.api.login import TokenCredentialRequest
from pinniped.client import params
from pinniped.client.credential import ClusterCredential
from pinniped.client.errors import ConciergeRequestFailed, InvalidConciergeParameters, LoginFailed

if TYPE_CHECKING:
    import ssl

    from pinniped.client.transport import Transport


@dataclass(frozen=True)
class Authenticator:
    """Which Concierge authenticator checks the token: type "webhook" or "jwt", and its name."""

    type: str
    name: str


class ConciergeClient:
    """Talks to the Concierge's TokenCredentialRequest API anonymously over TLS 1.2+.

    Example::

        from pinniped.client import Authenticator, ConciergeClient, LoginFailed

        client = ConciergeClient(
            "https://127.0.0.1:6443",
            ca_bundle=open("ca.pem", "rb").read(),
            authenticator=Authenticator("webhook", "local-user-authenticator"),
        )
        try:
            credential = client.exchange_token("pinny:password123")
        except LoginFailed as err:
            print(err)  # login failed: authentication failed
        else:
            print(credential.expiration_timestamp, credential.client_certificate_data)

    Construction validates the parameters (raising `InvalidConciergeParameters`); nothing
    touches the network until `exchange_token`.
    """

    def __init__(
        self,
        endpoint: str,
        ca_bundle: bytes | None,
        authenticator: Authenticator,
        *,
        api_group_suffix: str = DEFAULT_API_GROUP_SUFFIX,
        timeout: float = 30,
        transport: Transport | None = None,
    ) -> None:
        self._endpoint = params.endpoint_url(endpoint)
        self._ca_pem = params.ca_bundle_pem(ca_bundle)
        self._kind = params.authenticator_kind(authenticator.type, authenticator.name)
        self._authenticator_name = authenticator.name
        self._groups = ConciergeGroups(params.api_group_suffix(api_group_suffix))
        self._timeout = timeout
        self._transport = transport

    @property
    def url(self) -> str:
        version = self._groups.api_version(self._groups.login)
        return f"{self._endpoint}/apis/{version}/{TOKEN_CREDENTIAL_REQUESTS}"

    def exchange_token(self, token: str) -> ClusterCredential:
        """POST a TokenCredentialRequest: the credential, or LoginFailed/ConciergeRequestFailed."""
        request: TokenCredentialRequest = {
            "apiVersion": self._groups.api_version(self._groups.login),
            "kind": "TokenCredentialRequest",
            "metadata": {},
            "spec": {
                "token": token,
                "authenticator": {
                    "apiGroup": self._groups.authentication,
                    "kind": self._kind,
                    "name": self._authenticator_name,
                },
            },
        }
        transport = self._transport or _default_transport()
        try:
            response = transport(
                "POST",
                self.url,
                body=json.dumps(request).encode(),
                headers=_HEADERS,
                context=self._tls_context(),
                timeout=self._timeout,
            )
        except OSError as err:
            raise ConciergeRequestFailed(f"POST {self.url}: {_describe(err)}") from None
        return _credential_from_response(response.status, response.body)

    def _tls_context(self) -> ssl.SSLContext:
        import ssl

        from pinniped.client.transport import tls_context

        try:
            return tls_context(self._ca_pem)
        except ssl.SSLError as err:
            raise InvalidConciergeParameters(f"invalid CA bundle data: {err.reason}") from None


_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "User-Agent": f"pinniped-py/{pinniped.__version__}",
}


def _default_transport() -> Transport:
    from pinniped.client.transport import https_request

    return https_request


def _credential_from_response(status: int, body: bytes) -> ClusterCredential:
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        decoded = None
    if not 200 <= status < 300:
        message = decoded.get("message") if isinstance(decoded, dict) else None
        detail = f": {message}" if isinstance(message, str) and message else ""
        raise ConciergeRequestFailed(f"server returned status {status}{detail}", status)
    if not isinstance(decoded, dict):
        raise ConciergeRequestFailed(f"server returned status {status} with a non-JSON body")
    result = decoded.get("status") or {}
    credential = result.get("credential") if isinstance(result, dict) else None
    message = result.get("message") if isinstance(result, dict) else None
    if not isinstance(credential, dict) or message is not None:
        raise LoginFailed(str(message) if message else None)
    try:
        return ClusterCredential.from_wire(credential)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise ConciergeRequestFailed(f"server returned an invalid credential: {err}") from None


def _describe(err: OSError) -> str:
    import ssl

    if isinstance(err, ssl.SSLCertVerificationError):
        return f"tls: {err.verify_message}"
    if isinstance(err, TimeoutError):
        return "timed out"
    return err.strerror or str(err) or type(err).__name__
