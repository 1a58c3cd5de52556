"""The informer keeps its store equal to the server's objects across watches, disconnects and 410s."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from pinniped.kube.client import KubeClient
from pinniped.kube.config import KubeSettings
from pinniped.kube.informer import Informer

PATH = "/api/v1/namespaces/ns/secrets"
ServerFactory = Callable[[web.Application], Coroutine[Any, Any, TestServer]]


def _secret(name: str, rv: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "ns", "resourceVersion": rv}}


class FakeApi:
    """Lists come from `items`; each watch call plays the next script of events, then ends."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = [_secret("alice", "1")]
        self.later_items: list[dict[str, Any]] | None = None
        self.list_calls = 0
        self.watch_scripts: list[list[dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("watch") != "true":
            self.list_calls += 1
            if self.list_calls > 1 and self.later_items is not None:
                self.items = self.later_items
            return web.json_response({"metadata": {"resourceVersion": "5"}, "items": self.items})
        response = web.StreamResponse()
        await response.prepare(request)
        script = self.watch_scripts.pop(0) if self.watch_scripts else []
        for event in script:
            await response.write(json.dumps(event).encode() + b"\n")
        if not script:
            await asyncio.sleep(10)
        return response


async def _start(aiohttp_server: ServerFactory, api: FakeApi) -> tuple[KubeClient, Informer]:
    app = web.Application()
    app.router.add_get(PATH, api.handle)
    server = await aiohttp_server(app)
    client = KubeClient(KubeSettings(server=str(server.make_url(""))))
    return client, Informer(client, PATH, retry_delay=0.01)


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110 - polling a plain predicate is the point
            await asyncio.sleep(0.01)


async def test_watch_events_update_the_store_and_reach_listeners(aiohttp_server: ServerFactory) -> None:
    api = FakeApi()
    api.watch_scripts = [
        [
            {"type": "ADDED", "object": _secret("bob", "6")},
            {"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "7"}}},
            {"type": "DELETED", "object": _secret("alice", "8")},
        ]
    ]
    client, informer = await _start(aiohttp_server, api)
    heard: list[tuple[str, str]] = []
    informer.add_listener(lambda event, obj: heard.append((event, obj["metadata"]["name"])))
    task = asyncio.create_task(informer.run())
    try:
        await _until(lambda: ("DELETED", "alice") in heard)
        assert set(informer.store) == {"ns/bob"}
        assert heard[:3] == [("ADDED", "alice"), ("ADDED", "bob"), ("DELETED", "alice")]
        assert informer.synced.is_set()
    finally:
        task.cancel()
        await client.close()


async def test_a_410_gone_lists_again_and_reports_what_changed_meanwhile(
    aiohttp_server: ServerFactory,
) -> None:
    api = FakeApi()
    api.watch_scripts = [[{"type": "ERROR", "object": {"code": 410, "message": "too old"}}]]
    api.later_items = [_secret("carol", "9")]
    client, informer = await _start(aiohttp_server, api)
    heard: list[tuple[str, str]] = []
    informer.add_listener(lambda event, obj: heard.append((event, obj["metadata"]["name"])))
    task = asyncio.create_task(informer.run())
    try:
        await _until(lambda: api.list_calls >= 2 and "ns/carol" in informer.store)
        assert set(informer.store) == {"ns/carol"}
        assert ("DELETED", "alice") in heard
        assert ("ADDED", "carol") in heard
    finally:
        task.cancel()
        await client.close()


async def test_a_failing_listener_does_not_stop_the_informer(aiohttp_server: ServerFactory) -> None:
    api = FakeApi()
    api.watch_scripts = [[{"type": "ADDED", "object": _secret("bob", "6")}]]
    client, informer = await _start(aiohttp_server, api)

    def explode(event: str, obj: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    informer.add_listener(explode)
    task = asyncio.create_task(informer.run())
    try:
        await _until(lambda: "ns/bob" in informer.store)
    finally:
        task.cancel()
        await client.close()
