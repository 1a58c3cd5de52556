"""One HTTPS request with the standard library: the seam between clients and the network."""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes


class Transport(Protocol):
    """Sends one request and returns the response; raises OSError (incl. ssl errors) on failure."""

    def __call__(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        headers: Mapping[str, str],
        context: ssl.SSLContext,
        timeout: float | None,
    ) -> HttpResponse: ...


def tls_context(ca_pem: str | None, *, verify: bool = True) -> ssl.SSLContext:
    """TLS 1.2+ client context trusting `ca_pem` (or the system roots when it is None)."""
    context = ssl.create_default_context(cadata=ca_pem) if ca_pem else ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def https_request(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: Mapping[str, str],
    context: ssl.SSLContext,
    timeout: float | None,
) -> HttpResponse:
    """The production transport: http.client over TLS, no redirects, no proxies."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise OSError(f"not an https URL: {url}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=timeout)
    try:
        connection.request(method, target, body=body, headers=dict(headers))
        response = connection.getresponse()
        return HttpResponse(status=response.status, body=response.read())
    except http.client.HTTPException as err:
        raise OSError(f"invalid HTTP response: {err!r}") from err
    finally:
        connection.close()
