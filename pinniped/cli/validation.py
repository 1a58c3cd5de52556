"""Checking a generated kubeconfig works: one token exchange (or a /healthz ping without a token)."""

from __future__ import annotations

from pinniped.cli.discovery import AuthenticatorRef
from pinniped.cli.errors import CLIError
from pinniped.client.concierge import Authenticator, ConciergeClient
from pinniped.client.errors import ConciergeError
from pinniped.client.transport import Transport, tls_context


def validate(
    endpoint: str,
    ca_pem: bytes | None,
    authenticator: AuthenticatorRef,
    *,
    token: str | None,
    api_group_suffix: str,
    timeout: float,
    transport: Transport,
) -> None:
    """Raise a one-line CLIError unless the Concierge accepts the token (or at least answers)."""
    try:
        client = ConciergeClient(
            endpoint,
            ca_pem,
            Authenticator(authenticator.type, authenticator.name),
            api_group_suffix=api_group_suffix,
            timeout=timeout,
            transport=transport,
        )
        if token:
            client.exchange_token(token)
            return
    except ConciergeError as err:
        raise CLIError(f"could not validate the generated kubeconfig: {err}") from None
    _ping(endpoint, ca_pem, timeout, transport)


def _ping(endpoint: str, ca_pem: bytes | None, timeout: float, transport: Transport) -> None:
    url = endpoint.rstrip("/") + "/healthz"
    try:
        context = tls_context(ca_pem.decode() if ca_pem else None)
        response = transport("GET", url, body=None, headers={}, context=context, timeout=timeout)
    except OSError as err:
        raise CLIError(f"could not validate the generated kubeconfig: GET {url}: {err}") from None
    if response.status != 200:
        raise CLIError(f"could not validate the generated kubeconfig: GET {url}: status {response.status}")
