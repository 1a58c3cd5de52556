from __future__ import annotations

import asyncio
import base64
import ssl
from typing import Any

import pytest
import trustme

from pinniped.authenticators.base import AuthenticatorKey, UserInfo
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.controllers.webhook_authenticator import WebhookAuthenticatorController
from pinniped.controllers.webhook_validation import check_connection, tls_dial
from tests.controllers.kube_fakes import FakeClock, FakeInformer, FakeKube

COLLECTION = "/apis/authentication.concierge.pinniped.dev/v1alpha1/webhookauthenticators"
KEY = AuthenticatorKey("authentication.concierge.pinniped.dev", "WebhookAuthenticator", "hook")
CA = base64.b64encode(trustme.CA().cert_pem.bytes()).decode()


class FakeAuthenticator:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.closed = False

    async def authenticate(self, token: str) -> UserInfo | None:
        return None

    async def close(self) -> None:
        self.closed = True


class FakeDialer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.error: Exception | None = None

    async def __call__(self, host: str, port: int, context: ssl.SSLContext, seconds: float) -> None:
        self.calls.append((host, port))
        if self.error is not None:
            raise self.error


class World:
    def __init__(self) -> None:
        self.kube = FakeKube()
        self.informer = FakeInformer()
        self.kube.watch(COLLECTION, self.informer)
        self.cache = AuthenticatorCache()
        self.clock = FakeClock()
        self.dial = FakeDialer()
        self.controller = WebhookAuthenticatorController(
            self.kube,
            self.informer,
            self.cache,
            clock=self.clock,
            dial=self.dial,
            make_authenticator=lambda endpoint, ca: FakeAuthenticator(endpoint),
            recheck_seconds=0.05,
        )

    async def apply(self, spec: dict[str, Any], name: str = "hook") -> None:
        path = f"{COLLECTION}/{name}"
        existing = self.kube.objects.get(path)
        obj = existing or {"apiVersion": "v1alpha1", "kind": "WebhookAuthenticator"}
        generation = existing["metadata"]["generation"] + 1 if existing else 1
        obj = {**obj, "metadata": {"name": name, "generation": generation}, "spec": spec}
        await self.kube.put(path, obj)

    def status(self, name: str = "hook") -> dict[str, Any]:
        status: dict[str, Any] = self.kube.objects[f"{COLLECTION}/{name}"].get("status", {})
        return status

    def conditions(self, name: str = "hook") -> dict[str, tuple[str, str, str]]:
        return {
            c["type"]: (c["status"], c["reason"], c["message"])
            for c in self.status(name).get("conditions", [])
        }


@pytest.fixture
def world() -> World:
    return World()


async def test_valid_authenticator_is_cached_and_ready(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example:8443/auth", "tls": {"certificateAuthorityData": CA}})
    await world.controller.sync("hook")
    cached = world.cache.get(KEY)
    assert isinstance(cached, FakeAuthenticator)
    assert cached.endpoint == "https://hook.example:8443/auth"
    assert world.dial.calls == [("hook.example", 8443)]
    status = world.status()
    assert status["phase"] == "Ready"
    assert [c["type"] for c in status["conditions"]] == [
        "AuthenticatorValid",
        "EndpointURLValid",
        "Ready",
        "TLSConfigurationValid",
        "WebhookConnectionValid",
    ]
    assert world.conditions() == {
        "AuthenticatorValid": ("True", "Success", "authenticator initialized"),
        "EndpointURLValid": ("True", "Success", "spec.endpoint is a valid URL"),
        "Ready": ("True", "Success", "the WebhookAuthenticator is ready"),
        "TLSConfigurationValid": ("True", "Success", "spec.tls is valid: loaded TLS configuration"),
        "WebhookConnectionValid": ("True", "Success", "successfully dialed webhook server"),
    }
    for condition in status["conditions"]:
        assert condition["observedGeneration"] == 1
        assert condition["lastTransitionTime"] == "2025-01-02T03:04:05Z"


async def test_missing_tls_means_system_roots(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/auth"})
    await world.controller.sync("hook")
    assert world.dial.calls == [("hook.example", 443)]
    assert world.conditions()["TLSConfigurationValid"][2] == (
        "spec.tls is valid: no TLS configuration provided"
    )


async def test_bad_ca_data_is_an_error_and_nothing_is_dialed(world: World) -> None:
    spec = {
        "endpoint": "https://hook.example/",
        "tls": {"certificateAuthorityData": "invalid base64-encoded data"},
    }
    await world.apply(spec)
    await world.controller.sync("hook")
    assert world.cache.get(KEY) is None
    assert world.dial.calls == []
    assert world.status()["phase"] == "Error"
    unable = ("Unknown", "UnableToValidate", "unable to validate; see other conditions for details")
    assert world.conditions() == {
        "AuthenticatorValid": unable,
        "EndpointURLValid": ("True", "Success", "spec.endpoint is a valid URL"),
        "Ready": (
            "False",
            "NotReady",
            "the WebhookAuthenticator is not ready: see other conditions for details",
        ),
        "TLSConfigurationValid": (
            "False",
            "InvalidTLSConfig",
            "spec.tls.certificateAuthorityData is invalid: illegal base64 data at input byte 7",
        ),
        "WebhookConnectionValid": unable,
    }


async def test_http_endpoint_has_invalid_scheme(world: World) -> None:
    await world.apply({"endpoint": "http://hook.example/"})
    await world.controller.sync("hook")
    assert world.conditions()["EndpointURLValid"] == (
        "False",
        "InvalidEndpointURLScheme",
        "spec.endpoint URL http://hook.example/ has invalid scheme, require 'https'",
    )
    assert world.cache.get(KEY) is None


async def test_unparseable_endpoint_is_invalid(world: World) -> None:
    await world.apply({"endpoint": "https://[::1/"})
    await world.controller.sync("hook")
    status, reason, message = world.conditions()["EndpointURLValid"]
    assert (status, reason) == ("False", "InvalidEndpointURL")
    assert message.startswith("spec.endpoint URL cannot be parsed: ")


async def test_unreachable_server_is_reported(world: World) -> None:
    world.dial.error = ConnectionRefusedError(111, "Connection refused")
    await world.apply({"endpoint": "https://hook.example:9/"})
    await world.controller.sync("hook")
    assert world.conditions()["WebhookConnectionValid"] == (
        "False",
        "UnableToDialServer",
        "cannot dial server: dial tcp hook.example:9: connection refused",
    )
    assert world.conditions()["AuthenticatorValid"][0] == "Unknown"
    assert world.cache.get(KEY) is None


async def test_an_invalid_edit_removes_the_authenticator_at_once(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/"})
    await world.controller.sync("hook")
    previous = world.cache.get(KEY)
    assert isinstance(previous, FakeAuthenticator)
    await world.apply({"endpoint": "http://hook.example/"})
    await world.controller.sync("hook")
    assert world.cache.get(KEY) is None
    assert previous.closed


async def test_deleting_the_resource_removes_the_authenticator(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/"})
    await world.controller.sync("hook")
    await world.kube.delete(f"{COLLECTION}/hook")
    await world.controller.sync("hook")
    assert world.cache.get(KEY) is None


async def test_status_is_written_only_when_it_changes(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/"})
    await world.controller.sync("hook")
    world.clock.advance(minutes=1)
    await world.controller.sync("hook")
    assert len(world.kube.patches) == 1
    assert world.dial.calls == [("hook.example", 443)]


async def test_transition_time_moves_only_when_status_flips(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/"})
    await world.controller.sync("hook")
    world.clock.advance(minutes=1)
    world.dial.error = TimeoutError("dial tcp hook.example:443: i/o timeout after 5s")
    await world.apply({"endpoint": "https://hook.example:444/"})
    await world.controller.sync("hook")
    times = {c["type"]: c["lastTransitionTime"] for c in world.status()["conditions"]}
    assert times["EndpointURLValid"] == "2025-01-02T03:04:05Z"
    assert times["WebhookConnectionValid"] == "2025-01-02T03:05:05Z"
    assert times["Ready"] == "2025-01-02T03:05:05Z"
    generations = {c["observedGeneration"] for c in world.status()["conditions"]}
    assert generations == {2}


async def test_manual_status_edits_are_overwritten(world: World) -> None:
    await world.apply({"endpoint": "https://hook.example/"})
    await world.controller.sync("hook")
    path = f"{COLLECTION}/hook"
    await world.kube.put(path, {**world.kube.objects[path], "status": {"phase": "Error"}})
    await world.controller.sync("hook")
    assert world.status()["phase"] == "Ready"


async def test_failing_authenticator_turns_ready_when_the_server_comes_up(world: World) -> None:
    world.dial.error = ConnectionRefusedError(111, "Connection refused")
    await world.apply({"endpoint": "https://hook.example/"})
    task = asyncio.create_task(world.controller.run())
    try:
        async with asyncio.timeout(5):
            await world.kube.until(lambda: world.status().get("phase") == "Error")
            world.dial.error = None
            await world.kube.until(lambda: world.status().get("phase") == "Ready")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert world.cache.get(KEY) is not None


async def test_tls_dial_verifies_the_server_against_the_ca() -> None:
    server_ca, other_ca = trustme.CA(), trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ca.issue_cert("127.0.0.1").configure_cert(context)

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        good = await check_connection(tls_dial, ("127.0.0.1", port), server_ca.cert_pem.bytes(), 2)
        bad = await check_connection(tls_dial, ("127.0.0.1", port), other_ca.cert_pem.bytes(), 2)
    finally:
        server.close()
        await server.wait_closed()
    assert good.status == "True"
    assert bad.status == "False"
    assert bad.message.startswith("cannot dial server: tls: failed to verify certificate: ")


def test_the_authenticator_factory_speaks_the_chosen_token_review_version() -> None:
    from pinniped.authenticators.webhook import WebhookTokenAuthenticator
    from pinniped.controllers.webhook_validation import factory_for

    made = factory_for("v1")("https://127.0.0.1:1/authenticate", None)
    assert isinstance(made, WebhookTokenAuthenticator)
    assert made.api_version == "authentication.k8s.io/v1"
