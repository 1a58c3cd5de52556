"""JSON requests to kube-apiserver as the kubeconfig's user (standard library HTTP and TLS)."""

from __future__ import annotations

import base64
import json
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pinniped.certs.pem_files import load_cert_chain_pem
from pinniped.cli.errors import CLIError
from pinniped.cli.kubeconfigs import KubeconfigContext
from pinniped.client.transport import Transport, https_request, tls_context


class ApiCallFailed(CLIError):
    """kube-apiserver answered with an error status (or could not be reached: status None)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


RETRIABLE_STATUSES = frozenset({429, 503})
RETRY_DELAYS = (0.2, 0.4, 0.8, 1.6)


@dataclass
class ApiServer:
    server: str
    context: ssl.SSLContext
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    transport: Transport = https_request
    sleep: Callable[[float], None] = time.sleep

    def get(self, path: str) -> dict[str, Any]:
        """GET, retried a few times on 429 and 503 (a CRD just created answers 429 while its
        storage initialises; an aggregated API may be briefly unavailable), as client-go does."""
        for delay in RETRY_DELAYS:
            try:
                return self.request("GET", path)
            except ApiCallFailed as err:
                if err.status not in RETRIABLE_STATUSES:
                    raise
            self.sleep(delay)
        return self.request("GET", path)

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self.request("POST", path, body)

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        url = self.server.rstrip("/") + path
        headers = {"Accept": "application/json", **self.headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.transport(
                method,
                url,
                body=None if body is None else json.dumps(body).encode(),
                headers=headers,
                context=self.context,
                timeout=self.timeout,
            )
        except OSError as err:
            reason = err.verify_message if isinstance(err, ssl.SSLCertVerificationError) else err
            raise ApiCallFailed(f"{method} {url}: {reason or type(err).__name__}") from None
        try:
            decoded = json.loads(response.body)
        except (ValueError, RecursionError):
            decoded = None
        if not 200 <= response.status < 300:
            message = decoded.get("message") if isinstance(decoded, dict) else None
            raise ApiCallFailed(
                f"{method} {url}: status {response.status}: {message or 'no message'}",
                response.status,
            )
        if not isinstance(decoded, dict):
            raise ApiCallFailed(f"{method} {url}: the response is not a JSON object")
        return decoded


def connect(
    kube: KubeconfigContext,
    env: Mapping[str, str],
    *,
    timeout: float | None,
    allow_exec: bool,
    transport: Transport = https_request,
) -> ApiServer:
    """An ApiServer for the context's cluster, authenticated as its user."""
    if not kube.server.startswith("https://"):
        raise CLIError(f'invalid kubeconfig: server "{kube.server}" is not an https URL')
    ca_pem = kube.ca_pem()
    verify = not kube.cluster.get("insecure-skip-tls-verify")
    try:
        context = tls_context(ca_pem.decode() if ca_pem else None, verify=verify)
    except ssl.SSLError as err:
        raise CLIError(f"invalid kubeconfig: certificate-authority: {err.reason}") from None
    user = kube.user
    headers: dict[str, str] = {}
    cert, key, token = kube.user_data("client-certificate"), kube.user_data("client-key"), None
    if user.get("exec"):
        if not allow_exec:
            raise CLIError(
                f'kubeconfig user "{kube.user_name}" uses an exec plugin, which this command does '
                "not support; use a kubeconfig with a client certificate or token"
            )
        from pinniped.cli.execplugin import run_exec_plugin

        status = run_exec_plugin(kube, env, timeout)
        token = status.get("token")
        cert_text, key_text = status.get("clientCertificateData"), status.get("clientKeyData")
        cert, key = (cert_text.encode(), key_text.encode()) if cert_text and key_text else (None, None)
    elif user.get("auth-provider"):
        raise CLIError(f'kubeconfig user "{kube.user_name}" uses an auth-provider; not supported')
    else:
        token = user.get("token") or _token_file(kube)
        if user.get("username") and not token:
            basic = base64.b64encode(f"{user['username']}:{user.get('password', '')}".encode())
            headers["Authorization"] = f"Basic {basic.decode()}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cert and key:
        _load_client_certificate(context, cert, key)
    return ApiServer(kube.server, context, headers, timeout or None, transport)


def _token_file(kube: KubeconfigContext) -> str | None:
    path = kube.user.get("tokenFile")
    if not path:
        return None
    try:
        return (kube.user_dir / str(path)).read_text().strip()
    except OSError as err:
        raise CLIError(f"invalid kubeconfig: could not read tokenFile: {err}") from None


def _load_client_certificate(context: ssl.SSLContext, cert: bytes, key: bytes) -> None:
    try:
        load_cert_chain_pem(context, cert, key)
    except ssl.SSLError as err:
        raise CLIError(f"invalid client certificate or key: {err.reason}") from None
