"""A loopback TokenReview webhook over TLS, scripted per test."""

from __future__ import annotations

import ssl

import pytest
import trustme
from aiohttp import web
from pytest_aiohttp import AiohttpServer
from webhook_fakes import FakeWebhook, authenticated_review


@pytest.fixture(scope="session")
def webhook_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def webhook(aiohttp_server: AiohttpServer, webhook_ca: trustme.CA) -> FakeWebhook:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    webhook_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    fake = FakeWebhook(url="", ca_pem=webhook_ca.cert_pem.bytes())
    fake.responses.append((200, authenticated_review()))
    app = web.Application()
    app.router.add_post("/authenticate", fake.handle)
    server = await aiohttp_server(app, ssl=server_context)
    fake.url = f"https://127.0.0.1:{server.port}/authenticate"
    return fake
