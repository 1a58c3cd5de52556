"""Who is believed: a loopback TLS server with the real ServingTLS and front-proxy verifier."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from pinniped.certs.authority import CertificateAuthority
from pinniped.certs.dynamic import DynamicKeyPair, KeyPair
from pinniped.concierge.requestheader import RequestHeaderSource, parse_configmap
from pinniped.concierge.tls import ServingTLS
from tests.concierge.concierge_fakes import make_app

WHOAMI = "/apis/identity.concierge.pinniped.dev/v1alpha1/whoamirequests"
TTL = datetime.timedelta(hours=1)


def requestheader_data(ca: CertificateAuthority, allowed: str = '["front-proxy-client"]') -> dict[str, str]:
    return {
        "requestheader-client-ca-file": ca.cert_pem.decode(),
        "requestheader-allowed-names": allowed,
        "requestheader-username-headers": '["X-Remote-User"]',
        "requestheader-group-headers": '["X-Remote-Group"]',
        "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
    }


@dataclass
class Served:
    url: str
    serving_ca: CertificateAuthority
    front_ca: CertificateAuthority
    serving: DynamicKeyPair
    source: RequestHeaderSource
    tmp_path: Path

    def client_context(
        self,
        cn: str | None,
        ca: CertificateAuthority | None = None,
        trust: CertificateAuthority | None = None,
    ) -> ssl.SSLContext:
        context = ssl.create_default_context(cadata=(trust or self.serving_ca).cert_pem.decode())
        if cn is not None:
            issued = (ca or self.front_ca).issue_client_certificate(cn, [], TTL)
            cert, key = self.tmp_path / f"{cn}.crt", self.tmp_path / f"{cn}.key"
            cert.write_bytes(issued.cert_pem)
            key.write_bytes(issued.key_pem)
            context.load_cert_chain(cert, key)
        return context

    async def whoami(
        self, context: ssl.SSLContext, headers: dict[str, str] | None = None
    ) -> dict[str, object]:
        connector = aiohttp.TCPConnector(ssl=context, force_close=True)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.post(self.url + WHOAMI, json={}, headers=headers or {}) as response,
        ):
            assert response.status == 201
            body: dict[str, object] = await response.json()
            return body["status"]["kubernetesUserInfo"]["user"]  # type: ignore[index,no-any-return]


def key_pair(ca: CertificateAuthority) -> KeyPair:
    issued = ca.issue_serving_certificate(["127.0.0.1", "localhost"], TTL)
    return KeyPair(issued.cert_pem, issued.key_pem)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    serving_ca = CertificateAuthority.create("serving CA")
    front_ca = CertificateAuthority.create("front-proxy CA")
    serving = DynamicKeyPair()
    serving.set(key_pair(serving_ca))
    source = RequestHeaderSource(parse_configmap(requestheader_data(front_ca)))
    tls = ServingTLS(serving, source)
    app = make_app(requestheader=lambda: source.current).app
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls.listening_context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Served(f"https://127.0.0.1:{port}", serving_ca, front_ca, serving, source, tmp_path)
    finally:
        await runner.cleanup()


IMPERSONATION = {"X-Remote-User": "system:admin", "X-Remote-Group": "system:masters"}


async def test_remote_user_header_without_a_front_proxy_cert_is_anonymous(served: Served) -> None:
    user = await served.whoami(served.client_context(None), IMPERSONATION)
    assert user == {"username": "system:anonymous", "groups": ["system:unauthenticated"]}


async def test_front_proxy_cert_with_an_allowed_name_is_believed(served: Served) -> None:
    headers = {
        "X-Remote-User": "pinny",
        "X-Remote-Group": "seals",
        "X-Remote-Extra-Scopes": "read",
        "X-Remote-Extra-Dotted%2Fkey": "v",
    }
    user = await served.whoami(served.client_context("front-proxy-client"), headers)
    assert user == {
        "username": "pinny",
        "groups": ["seals", "system:authenticated"],
        "extra": {"scopes": ["read"], "dotted/key": ["v"]},
    }


async def test_front_proxy_cert_with_a_disallowed_name_is_anonymous(served: Served) -> None:
    user = await served.whoami(served.client_context("someone-else"), IMPERSONATION)
    assert user["username"] == "system:anonymous"


async def test_empty_allowed_names_accept_any_name_from_the_ca(served: Served) -> None:
    served.source.set(parse_configmap(requestheader_data(served.front_ca, allowed="[]")))
    user = await served.whoami(served.client_context("anyone"), IMPERSONATION)
    assert user["username"] == "system:admin"


async def test_cert_from_another_ca_is_refused(served: Served) -> None:
    other = CertificateAuthority.create("other CA")
    with pytest.raises(aiohttp.ClientError):
        await served.whoami(served.client_context("front-proxy-client", ca=other), IMPERSONATION)


async def test_rotated_front_proxy_ca_applies_to_new_connections(served: Served) -> None:
    new_ca = CertificateAuthority.create("new front-proxy CA")
    served.source.set(parse_configmap(requestheader_data(new_ca)))
    user = await served.whoami(served.client_context("front-proxy-client", ca=new_ca), IMPERSONATION)
    assert user["username"] == "system:admin"
    with pytest.raises(aiohttp.ClientError):
        await served.whoami(served.client_context("front-proxy-client"), IMPERSONATION)


async def test_rotated_serving_certificate_is_served_without_a_restart(served: Served) -> None:
    new_ca = CertificateAuthority.create("new serving CA")
    served.serving.set(key_pair(new_ca))
    user = await served.whoami(served.client_context(None, trust=new_ca))
    assert user["username"] == "system:anonymous"
    with pytest.raises(aiohttp.ClientError):
        await served.whoami(served.client_context(None))
