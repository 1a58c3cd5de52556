"""A host process exposed as an aggregated API: reached through kube-apiserver, front proxy verified."""

from __future__ import annotations

import datetime
import json
import ssl
import urllib.request
import uuid
from typing import Any

import pytest
from aiohttp import web

from pinniped.certs.authority import CertificateAuthority
from pinniped.testing.aggregation import expose_local_backend, remove_local_backend
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.ports import free_port
from pinniped.testing.threaded_server import serve_in_thread

VERSION = "v1"


def _front_proxy_ca(cluster: Cluster) -> str:
    config_map = json.loads(
        cluster.kubectl(
            "get",
            "configmap",
            "extension-apiserver-authentication",
            "-n",
            "kube-system",
            "-o",
            "json",
        ).stdout
    )
    ca: str = config_map["data"]["requestheader-client-ca-file"]
    return ca


def _backend(group: str, seen: list[dict[str, Any]]) -> web.Application:
    """Believes X-Remote-User only when the TLS client cert verified against the front-proxy CA."""

    async def resources(request: web.Request) -> web.Response:
        ssl_object = request.transport.get_extra_info("ssl_object") if request.transport else None
        peer = ssl_object.getpeercert() if ssl_object else None
        header_user = request.headers.get("X-Remote-User")
        believed = header_user if peer else "system:anonymous"
        seen.append({"header_user": header_user, "verified_peer": bool(peer), "believed": believed})
        return web.json_response(
            {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": f"{group}/{VERSION}",
                "resources": [],
                "believedUser": believed,
            }
        )

    app = web.Application()
    app.router.add_get(f"/apis/{group}/{VERSION}", resources)
    return app


@pytest.mark.capability("hostProcessBackends")
def test_a_host_backend_is_reached_through_kube_apiserver_with_a_verified_front_proxy(
    cluster: Cluster,
) -> None:
    group = f"smoke{uuid.uuid4().hex[:8]}.example.com"
    namespace, service = "smoke-aggregation", f"backend-{uuid.uuid4().hex[:6]}"
    serving_ca = CertificateAuthority.create("smoke backend CA")
    serving = serving_ca.issue_serving_certificate(
        [f"{service}.{namespace}.svc", "localhost", "127.0.0.1"], datetime.timedelta(hours=1)
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _load_chain(context, serving.cert_pem, serving.key_pem)
    context.load_verify_locations(cadata=_front_proxy_ca(cluster))
    context.verify_mode = ssl.CERT_OPTIONAL

    seen: list[dict[str, Any]] = []
    port = free_port()
    with serve_in_thread(_backend(group, seen), port, context):
        expose_local_backend(cluster, group, VERSION, port, service, namespace, serving_ca.cert_pem)
        try:
            through_apiserver = json.loads(cluster.kubectl("get", "--raw", f"/apis/{group}/{VERSION}").stdout)
            assert through_apiserver["believedUser"] == "admin"

            direct = _direct_request_claiming_admin(port, group, serving_ca.cert_pem)
            assert direct["believedUser"] == "system:anonymous"
        finally:
            remove_local_backend(cluster, group, VERSION, service, namespace)

    with_header = [entry for entry in seen if entry["header_user"]]
    assert with_header
    assert any(entry["believed"] == "admin" and entry["verified_peer"] for entry in with_header)
    assert all(entry["verified_peer"] for entry in with_header if entry["believed"] != "system:anonymous")


def _direct_request_claiming_admin(port: int, group: str, ca_pem: bytes) -> dict[str, Any]:
    context = ssl.create_default_context(cadata=ca_pem.decode())
    request = urllib.request.Request(
        f"https://127.0.0.1:{port}/apis/{group}/{VERSION}",
        headers={"X-Remote-User": "system:admin"},
    )
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        result: dict[str, Any] = json.loads(response.read())
        return result


def _load_chain(context: ssl.SSLContext, cert_pem: bytes, key_pem: bytes) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        cert, key = Path(directory, "tls.crt"), Path(directory, "tls.key")
        cert.write_bytes(cert_pem)
        key.write_bytes(key_pem)
        context.load_cert_chain(cert, key)
