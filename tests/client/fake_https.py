"""A loopback HTTPS server with canned JSON answers that records what it was sent (stdlib only)."""

from __future__ import annotations

import contextlib
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    client_cn: str | None


Answer = tuple[int, Any]


@dataclass
class FakeServer:
    url: str
    ca_pem: bytes
    routes: dict[tuple[str, str], Answer | Callable[[Recorded], Answer]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def paths(self, method: str) -> list[str]:
        return [request.path for request in self.requests if request.method == method]


def _client_cn(connection: Any) -> str | None:
    certificate = connection.getpeercert() if isinstance(connection, ssl.SSLSocket) else None
    subject: Any = (certificate or {}).get("subject", ())
    for rdn in subject:
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


@contextlib.contextmanager
def serve(ca: trustme.CA, client_ca: trustme.CA | None = None) -> Iterator[FakeServer]:
    """Serve on 127.0.0.1 with a certificate from `ca`; accept client certs from `client_ca`."""
    state: list[FakeServer] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            recorded = Recorded(
                self.command,
                self.path,
                dict(self.headers.items()),
                json.loads(raw) if raw else None,
                _client_cn(self.connection),
            )
            fake = state[0]
            fake.requests.append(recorded)
            route = fake.routes.get((self.command, self.path))
            status, body = (
                (404, {"kind": "Status", "message": "not found", "code": 404})
                if route is None
                else route(recorded)
                if callable(route)
                else route
            )
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_OPTIONAL
        client_ca.configure_trust(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.append(FakeServer(f"https://127.0.0.1:{server.server_address[1]}", ca.cert_pem.bytes()))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
