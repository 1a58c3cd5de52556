"""List + watch into an in-memory store that request handlers read without API calls.

The watch resumes from the last resourceVersion after a disconnect and lists again after
`410 Gone`. Listeners hear about every change, so controllers can react to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pinniped.kube.client import KubeClient, Object
from pinniped.kube.errors import ApiError, Gone

log = logging.getLogger(__name__)

EventType = Literal["ADDED", "MODIFIED", "DELETED"]
Listener = Callable[[EventType, Object], Awaitable[None] | None]


def object_key(obj: Object) -> str:
    metadata = obj.get("metadata", {})
    namespace = metadata.get("namespace")
    name = str(metadata.get("name", ""))
    return f"{namespace}/{name}" if namespace else name


class Informer:
    """Keeps `store` equal to the objects at `path` (a collection URL)."""

    def __init__(
        self,
        client: KubeClient,
        path: str,
        retry_delay: float = 0.5,
        watch_timeout_seconds: int = 300,
    ) -> None:
        self._client = client
        self._path = path
        self._retry_delay = retry_delay
        self._watch_timeout = watch_timeout_seconds
        self._listeners: list[Listener] = []
        self.store: dict[str, Object] = {}
        self.synced = asyncio.Event()

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def get(self, key: str) -> Object | None:
        return self.store.get(key)

    async def run(self) -> None:
        """Run until cancelled."""
        resource_version: str | None = None
        while True:
            try:
                if resource_version is None:
                    resource_version = await self._relist()
                resource_version = await self._watch(resource_version)
            except asyncio.CancelledError:
                raise
            except Gone:
                log.info("watch expired, listing again", extra={"path": self._path})
                resource_version = None
            except (TimeoutError, ApiError, OSError, ValueError) as error:
                log.warning("list/watch failed, retrying", extra={"path": self._path, "error": str(error)})
                await asyncio.sleep(self._retry_delay)
            except Exception as error:  # aiohttp client errors and the like
                # Never repr(): a ClientResponseError's repr holds the request headers, bearer token too.
                description = f"{type(error).__name__}: {error}"
                log.warning("list/watch failed, retrying", extra={"path": self._path, "error": description})
                await asyncio.sleep(self._retry_delay)

    async def _relist(self) -> str:
        listing = await self._client.get(self._path)
        fresh = {object_key(item): item for item in listing.get("items", [])}
        previous = self.store
        self.store = fresh
        for key, obj in previous.items():
            if key not in fresh:
                await self._notify("DELETED", obj)
        for key, obj in fresh.items():
            old = previous.get(key)
            if old is None:
                await self._notify("ADDED", obj)
            elif _version(old) != _version(obj):
                await self._notify("MODIFIED", obj)
        self.synced.set()
        return str(listing.get("metadata", {}).get("resourceVersion", ""))

    async def _watch(self, resource_version: str) -> str:
        async for event in self._client.watch(self._path, resource_version, self._watch_timeout):
            kind = event.get("type")
            obj: Object = event.get("object", {})
            if kind == "ERROR":
                if obj.get("code") == 410:
                    raise Gone(410, "Expired", str(obj.get("message", "")))
                raise ApiError(int(obj.get("code", 500)), str(obj.get("reason")), str(obj))
            resource_version = _version(obj) or resource_version
            if kind == "BOOKMARK":
                continue
            key = object_key(obj)
            if kind == "DELETED":
                self.store.pop(key, None)
                await self._notify("DELETED", obj)
            elif kind in ("ADDED", "MODIFIED"):
                self.store[key] = obj
                await self._notify(kind, obj)
        return resource_version

    async def _notify(self, event: EventType, obj: Object) -> None:
        for listener in self._listeners:
            try:
                result = listener(event, obj)
                if result is not None:
                    await result
            except Exception:
                log.exception("informer listener failed", extra={"path": self._path})


def _version(obj: Any) -> str:
    return str(obj.get("metadata", {}).get("resourceVersion", ""))
