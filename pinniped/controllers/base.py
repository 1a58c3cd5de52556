"""What a controller is, and the narrow views of the Kubernetes API that controllers use."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, Protocol

Object = dict[str, Any]
EventType = Literal["ADDED", "MODIFIED", "DELETED"]
Listener = Callable[[EventType, Object], Awaitable[None] | None]
Clock = Callable[[], datetime.datetime]


class Controller(Protocol):
    async def run(self) -> None:
        """Work until cancelled."""
        ...


class ObjectSource(Protocol):
    """What controllers need of an Informer: its store, its sync event and its events."""

    store: dict[str, Object]
    synced: asyncio.Event

    def add_listener(self, listener: Listener) -> None: ...

    def get(self, key: str) -> Object | None: ...


class KubeApi(Protocol):
    """The subset of KubeClient that controllers call (fakes implement just this)."""

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Object: ...

    async def create(self, path: str, body: Object, params: Mapping[str, str] | None = None) -> Object: ...

    async def merge_patch(self, path: str, patch: Object) -> Object: ...

    async def delete(self, path: str) -> Object: ...


def rfc3339(moment: datetime.datetime) -> str:
    """Kubernetes' metav1.Time text: second precision, UTC, `Z`."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
