"""An in-memory API server (objects by path) and informers it feeds, for controller tests."""

from __future__ import annotations

import asyncio
import copy
import datetime
from collections.abc import Callable, Mapping
from typing import Any

from pinniped.controllers.base import EventType, Listener, Object
from pinniped.kube.errors import ApiError, Conflict, NotFound


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


class FakeInformer:
    def __init__(self) -> None:
        self.store: dict[str, Object] = {}
        self.synced = asyncio.Event()
        self.synced.set()
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def get(self, key: str) -> Object | None:
        return self.store.get(key)

    async def emit(self, event: EventType, obj: Object) -> None:
        metadata = obj["metadata"]
        key = f"{metadata['namespace']}/{metadata['name']}" if "namespace" in metadata else metadata["name"]
        if event == "DELETED":
            self.store.pop(key, None)
        else:
            self.store[key] = copy.deepcopy(obj)
        for listener in self._listeners:
            result = listener(event, obj)
            if result is not None:
                await result


class FakeKube:
    """Objects keyed by their path; `watch(collection, informer)` feeds an informer."""

    def __init__(self) -> None:
        self.objects: dict[str, Object] = {}
        self.calls: list[tuple[str, str]] = []
        self.patches: list[tuple[str, Object]] = []
        self.fail: dict[tuple[str, str], ApiError] = {}
        self._informers: dict[str, FakeInformer] = {}
        self._version = 0
        self.changed = asyncio.Event()

    async def until(self, predicate: Callable[[], bool]) -> None:
        """Wait for a change that makes `predicate` true (bound the wait with asyncio.timeout)."""
        while not predicate():
            self.changed.clear()
            await self.changed.wait()

    def watch(self, collection: str, informer: FakeInformer) -> None:
        self._informers[collection] = informer

    async def _changed(self, path: str, event: EventType, obj: Object) -> None:
        collection = path.rsplit("/", 1)[0]
        if collection in self._informers:
            await self._informers[collection].emit(event, obj)

    def _check(self, verb: str, path: str) -> None:
        self.calls.append((verb, path))
        if (verb, path) in self.fail:
            raise self.fail[(verb, path)]

    async def put(self, path: str, obj: Object) -> Object:
        """Store an object as if someone else created it (emits ADDED/MODIFIED)."""
        self._version += 1
        obj = copy.deepcopy(obj)
        obj.setdefault("metadata", {})["resourceVersion"] = str(self._version)
        obj["metadata"].setdefault("generation", 1)
        event: EventType = "MODIFIED" if path in self.objects else "ADDED"
        self.objects[path] = obj
        self.changed.set()
        await self._changed(path, event, obj)
        return copy.deepcopy(obj)

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Object:
        self._check("get", path)
        if path not in self.objects:
            raise NotFound(404, "NotFound", f"{path} not found")
        return copy.deepcopy(self.objects[path])

    async def create(self, path: str, body: Object, params: Mapping[str, str] | None = None) -> Object:
        self._check("create", path)
        full = f"{path}/{body['metadata']['name']}"
        if full in self.objects:
            raise Conflict(409, "AlreadyExists", f"{full} already exists")
        body = copy.deepcopy(body)
        body.pop("status", None)  # the status subresource ignores status on create
        body["metadata"].setdefault("creationTimestamp", datetime.datetime.now(datetime.UTC).isoformat())
        return await self.put(full, body)

    async def merge_patch(self, path: str, patch: Object) -> Object:
        self._check("patch", path)
        self.patches.append((path, copy.deepcopy(patch)))
        target = path.removesuffix("/status")
        if target not in self.objects:
            raise NotFound(404, "NotFound", f"{target} not found")
        if path.endswith("/status"):
            patch = {"status": patch.get("status")}
        return await self.put(target, merge_patch(self.objects[target], patch))

    async def delete(self, path: str) -> Object:
        self._check("delete", path)
        if path not in self.objects:
            raise NotFound(404, "NotFound", f"{path} not found")
        obj = self.objects.pop(path)
        await self._changed(path, "DELETED", obj)
        return obj


class FakeClock:
    def __init__(self, start: datetime.datetime | None = None) -> None:
        self.now = start or datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += datetime.timedelta(**kwargs)
