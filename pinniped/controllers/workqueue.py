"""A set of keys waiting to be synced, and the loop that drains it (one worker per controller)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class WorkQueue:
    """Keys added while a sync runs are kept for the next round; duplicates collapse."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._ready = asyncio.Event()

    def add(self, key: str) -> None:
        self._keys.add(key)
        self._ready.set()

    async def take(self, wait_seconds: float | None) -> set[str]:
        """The pending keys, after waiting up to `wait_seconds` for the first one."""
        if not self._keys:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), wait_seconds)
        self._ready.clear()
        keys, self._keys = self._keys, set()
        return keys


async def drain(
    name: str,
    queue: WorkQueue,
    *,
    sync: Callable[[str], Awaitable[None]],
    resync: Callable[[], None],
    resync_seconds: float,
    retry_seconds: float = 1.0,
) -> None:
    """Sync queued keys forever; call `resync` every `resync_seconds`; retry failed keys later."""
    loop = asyncio.get_running_loop()
    next_resync = loop.time() + resync_seconds
    while True:
        keys = await queue.take(max(0.0, next_resync - loop.time()))
        if loop.time() >= next_resync:
            next_resync = loop.time() + resync_seconds
            resync()
        failed: list[str] = []
        for key in sorted(keys):
            try:
                await sync(key)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("sync failed", extra={"controller": name, "key": key, "error": str(error)})
                failed.append(key)
        if failed:
            await asyncio.sleep(retry_seconds)
            for key in failed:
                queue.add(key)


async def run_single_key(
    name: str,
    queue: WorkQueue,
    key: str,
    synced: asyncio.Event,
    sync: Callable[[], Awaitable[None]],
    resync_seconds: float,
) -> None:
    """For a controller of one object: once `synced`, sync `key` now, on change and periodically."""
    await synced.wait()
    queue.add(key)
    await drain(
        name,
        queue,
        sync=lambda _: sync(),
        resync=lambda: queue.add(key),
        resync_seconds=resync_seconds,
    )
