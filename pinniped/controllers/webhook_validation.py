"""Checks a WebhookAuthenticator spec the way upstream does and reports them as conditions.

Order: TLS configuration, endpoint URL, a TLS dial of the server, then the authenticator itself.
A check that cannot run because an earlier one failed reports `Unknown`/`UnableToValidate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from pinniped.authenticators.base import TokenAuthenticator
from pinniped.authenticators.tls import InvalidCABundleError, client_ssl_context, decode_ca_bundle
from pinniped.authenticators.webhook import TokenReviewVersion, WebhookTokenAuthenticator
from pinniped.controllers.conditions import Observation

TYPE_READY: Final = "Ready"
TYPE_TLS: Final = "TLSConfigurationValid"
TYPE_ENDPOINT: Final = "EndpointURLValid"
TYPE_CONNECTION: Final = "WebhookConnectionValid"
TYPE_AUTHENTICATOR: Final = "AuthenticatorValid"

Dialer = Callable[[str, int, ssl.SSLContext, float], Awaitable[None]]
AuthenticatorFactory = Callable[[str, bytes | None], TokenAuthenticator]


@dataclass(frozen=True)
class Validation:
    observations: list[Observation]
    authenticator: TokenAuthenticator | None


async def tls_dial(host: str, port: int, context: ssl.SSLContext, seconds: float) -> None:
    """Open a TCP connection and finish a TLS handshake, then hang up."""
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), seconds
        )
    except TimeoutError:
        raise TimeoutError(f"dial tcp {host}:{port}: i/o timeout after {seconds:g}s") from None
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()


def _describe(error: BaseException, host: str, port: int) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"tls: failed to verify certificate: {error.verify_message or error}"
    if isinstance(error, ssl.SSLError):
        return f"tls: {error.reason or error}"
    if isinstance(error, OSError) and error.strerror:
        return f"dial tcp {host}:{port}: {error.strerror.lower()}"
    return str(error) or type(error).__name__


def check_tls(tls: Mapping[str, Any] | None) -> tuple[Observation, bytes | None]:
    data = str((tls or {}).get("certificateAuthorityData") or "")
    try:
        ca_pem = decode_ca_bundle(data)
    except InvalidCABundleError as error:
        return Observation.failed(TYPE_TLS, "InvalidTLSConfig", str(error)), None
    loaded = "no TLS configuration provided" if ca_pem is None else "loaded TLS configuration"
    return Observation.ok(TYPE_TLS, f"spec.tls is valid: {loaded}"), ca_pem


def check_endpoint(endpoint: str) -> tuple[Observation, tuple[str, int] | None]:
    try:
        parts = urlsplit(endpoint)
    except ValueError as error:
        message = f"spec.endpoint URL cannot be parsed: {error}"
        return Observation.failed(TYPE_ENDPOINT, "InvalidEndpointURL", message), None
    if parts.scheme != "https":
        message = f"spec.endpoint URL {endpoint} has invalid scheme, require 'https'"
        return Observation.failed(TYPE_ENDPOINT, "InvalidEndpointURLScheme", message), None
    try:
        port = parts.port or 443
        if not parts.hostname:
            raise ValueError("host is empty")
    except ValueError as error:
        message = f"spec.endpoint URL is not valid: {error}"
        return Observation.failed(TYPE_ENDPOINT, "InvalidEndpointURL", message), None
    return Observation.ok(TYPE_ENDPOINT, "spec.endpoint is a valid URL"), (parts.hostname, port)


async def check_connection(
    dial: Dialer, address: tuple[str, int], ca_pem: bytes | None, seconds: float
) -> Observation:
    host, port = address
    try:
        await dial(host, port, client_ssl_context(ca_pem), seconds)
    except (OSError, TimeoutError, ssl.SSLError, ValueError) as error:
        message = f"cannot dial server: {_describe(error, host, port)}"
        return Observation.failed(TYPE_CONNECTION, "UnableToDialServer", message)
    return Observation.ok(TYPE_CONNECTION, "successfully dialed webhook server")


def default_factory(endpoint: str, ca_pem: bytes | None) -> TokenAuthenticator:
    return WebhookTokenAuthenticator(endpoint, ca_pem)


def factory_for(version: TokenReviewVersion) -> AuthenticatorFactory:
    """Authenticators that speak TokenReview `version` (upstream always uses v1beta1)."""

    def make(endpoint: str, ca_pem: bytes | None) -> TokenAuthenticator:
        return WebhookTokenAuthenticator(endpoint, ca_pem, version=version)

    return make


async def validate(
    spec: Mapping[str, Any],
    *,
    dial: Dialer = tls_dial,
    make_authenticator: AuthenticatorFactory = default_factory,
    dial_timeout: float = 5.0,
) -> Validation:
    endpoint = str(spec.get("endpoint") or "")
    tls_observation, ca_pem = check_tls(spec.get("tls"))
    endpoint_observation, address = check_endpoint(endpoint)
    observations = [tls_observation, endpoint_observation]
    if tls_observation.status != "True" or address is None:
        observations += [
            Observation.unknown(TYPE_CONNECTION),
            Observation.unknown(TYPE_AUTHENTICATOR),
        ]
        return Validation(observations, None)
    connection = await check_connection(dial, address, ca_pem, dial_timeout)
    observations.append(connection)
    if connection.status != "True":
        observations.append(Observation.unknown(TYPE_AUTHENTICATOR))
        return Validation(observations, None)
    try:
        authenticator = make_authenticator(endpoint, ca_pem)
    except (ValueError, OSError) as error:
        message = f"unable to create client for this webhook: {error}"
        observations.append(Observation.failed(TYPE_AUTHENTICATOR, "UnableToCreateClient", message))
        return Validation(observations, None)
    observations.append(Observation.ok(TYPE_AUTHENTICATOR, "authenticator initialized"))
    return Validation(observations, authenticator)
