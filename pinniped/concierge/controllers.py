"""Runs background controllers for the app's lifetime, restarting any that stop unexpectedly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from pinniped.controllers.base import Controller

log = logging.getLogger(__name__)


def supervised(
    controller: Controller, name: str, max_backoff: float = 30.0
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup_ctx entry that runs `controller.run()` until the app shuts down."""

    async def keep_running() -> None:
        backoff = 0.5
        while True:
            try:
                await controller.run()
                log.warning("controller stopped; restarting", extra={"controller": name})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("controller crashed; restarting", extra={"controller": name})
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(keep_running(), name=f"controller:{name}")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return context
