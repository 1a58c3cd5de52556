from __future__ import annotations

import logging
import ssl
from typing import Any

import pytest
import trustme
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from pinniped.authenticators.base import AuthenticationError, UserInfo
from pinniped.authenticators.retry import Backoff
from pinniped.authenticators.webhook import WebhookTokenAuthenticator
from tests.authenticators.webhook_fakes import FakeWebhook, authenticated_review

TOKEN = "pinny-the-seal:password123"


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


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make(url: str, ca_pem: bytes | None, **kwargs: Any) -> WebhookTokenAuthenticator:
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("rand", lambda: 0.0)
    return WebhookTokenAuthenticator(url, ca_pem, **kwargs)


async def test_posts_a_v1beta1_token_review_to_the_exact_endpoint(webhook: FakeWebhook) -> None:
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        user = await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert user == UserInfo(username="pinny", groups=("seals",))
    assert webhook.paths == ["/authenticate"]
    assert webhook.requests == [
        {
            "kind": "TokenReview",
            "apiVersion": "authentication.k8s.io/v1beta1",
            "metadata": {"creationTimestamp": None},
            "spec": {"token": TOKEN},
            "status": {"user": {}},
        }
    ]
    assert webhook.headers[0]["Content-Type"] == "application/json"
    assert webhook.headers[0]["Accept"] == "application/json, */*"
    assert "Authorization" not in webhook.headers[0]


async def test_v1_token_reviews_are_selectable(webhook: FakeWebhook) -> None:
    authenticator = make(webhook.url, webhook.ca_pem, version="v1")
    try:
        await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert webhook.requests[0]["apiVersion"] == "authentication.k8s.io/v1"


async def test_user_info_maps_uid_groups_and_extra(webhook: FakeWebhook) -> None:
    user = {"username": "u", "uid": "42", "groups": ["a", "b"], "extra": {"k": ["v"]}}
    webhook.answer((200, {"status": {"authenticated": True, "user": user}}))
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        result = await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert result == UserInfo(username="u", uid="42", groups=("a", "b"), extra={"k": ("v",)})


async def test_rejected_token_is_not_authenticated(webhook: FakeWebhook) -> None:
    webhook.answer((200, {"status": {"authenticated": False, "error": "bad password"}}))
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        assert await authenticator.authenticate(TOKEN) is None
    finally:
        await authenticator.close()


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_and_throttling_are_retried(webhook: FakeWebhook, status: int) -> None:
    webhook.answer((status, {}), (status, {}), (200, authenticated_review("late")))
    sleeps = Sleeps()
    authenticator = make(webhook.url, webhook.ca_pem, sleep=sleeps)
    try:
        user = await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert user is not None
    assert user.username == "late"
    assert len(webhook.requests) == 3
    assert sleeps.delays == [0.5, 0.75]


async def test_retries_stop_after_five_attempts(webhook: FakeWebhook) -> None:
    webhook.answer((500, {}))
    sleeps = Sleeps()
    authenticator = make(webhook.url, webhook.ca_pem, sleep=sleeps)
    try:
        with pytest.raises(AuthenticationError):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert len(webhook.requests) == 5
    assert sleeps.delays == pytest.approx([0.5, 0.75, 1.125, 1.6875])


async def test_client_errors_are_not_retried(webhook: FakeWebhook) -> None:
    webhook.answer((400, {}))
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        with pytest.raises(AuthenticationError, match="HTTP 400"):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert len(webhook.requests) == 1


async def test_connection_errors_are_retried(unused_tcp_port: int) -> None:
    sleeps = Sleeps()
    authenticator = make(f"https://127.0.0.1:{unused_tcp_port}/", None, sleep=sleeps)
    try:
        with pytest.raises(AuthenticationError, match="connection error"):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert len(sleeps.delays) == 4


async def test_slow_webhook_times_out(webhook: FakeWebhook) -> None:
    webhook.delay = 2.0
    authenticator = make(webhook.url, webhook.ca_pem, timeout=0.2, backoff=Backoff(steps=2))
    try:
        with pytest.raises(AuthenticationError, match="timed out"):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert len(webhook.requests) == 2


async def test_server_certificate_from_another_ca_is_refused_without_retry(
    webhook: FakeWebhook,
) -> None:
    sleeps = Sleeps()
    other_ca = trustme.CA().cert_pem.bytes()
    authenticator = make(webhook.url, other_ca, sleep=sleeps)
    try:
        with pytest.raises(AuthenticationError, match="TLS"):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert webhook.requests == []
    assert sleeps.delays == []


async def test_system_roots_do_not_trust_a_private_ca(webhook: FakeWebhook) -> None:
    authenticator = make(webhook.url, None)
    try:
        with pytest.raises(AuthenticationError):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()


async def test_token_never_appears_in_logs_or_errors(
    webhook: FakeWebhook, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook.answer((500, {}), (200, {"status": {"authenticated": False, "error": "nope"}}))
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        assert await authenticator.authenticate(TOKEN) is None
        webhook.answer((500, {}))
        with pytest.raises(AuthenticationError) as raised:
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
    assert TOKEN not in str(raised.value)
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in str(vars(record))


def test_only_https_endpoints_are_accepted() -> None:
    with pytest.raises(ValueError, match="https"):
        WebhookTokenAuthenticator("http://example.com/", None)


def test_tls_1_2_is_the_minimum() -> None:
    authenticator = WebhookTokenAuthenticator("https://example.com/", None)
    assert authenticator._ssl.minimum_version == ssl.TLSVersion.TLSv1_2


@pytest.mark.parametrize(
    "review",
    [
        {"status": {"authenticated": True, "user": ["pinny"]}},
        {"status": {"authenticated": True, "user": {"username": "pinny", "groups": 5}}},
        {"status": {"authenticated": True, "user": {"username": "pinny", "extra": ["a"]}}},
        {"status": {"authenticated": True, "user": {"username": "pinny", "extra": {"k": 5}}}},
    ],
)
async def test_malformed_reviews_are_authentication_errors(webhook: FakeWebhook, review: Any) -> None:
    webhook.answer((200, review))
    authenticator = make(webhook.url, webhook.ca_pem)
    try:
        with pytest.raises(AuthenticationError, match="malformed"):
            await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()


async def test_undecodable_or_deeply_nested_bodies_are_authentication_errors(
    aiohttp_server: AiohttpServer, webhook_ca: trustme.CA
) -> None:
    bodies = [b'{"status": "\xff"}', b"[" * 50_000 + b"]" * 50_000]

    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=bodies.pop(0), content_type="application/json", charset="utf-8")

    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    webhook_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    app = web.Application()
    app.router.add_post("/authenticate", handle)
    server = await aiohttp_server(app, ssl=server_context)
    authenticator = make(f"https://127.0.0.1:{server.port}/authenticate", webhook_ca.cert_pem.bytes())
    try:
        for _ in range(2):
            with pytest.raises(AuthenticationError, match="not JSON"):
                await authenticator.authenticate(TOKEN)
    finally:
        await authenticator.close()
