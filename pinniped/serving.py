"""Serve an aiohttp app over TLS until asked to stop; turn SIGTERM/SIGINT into that request."""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)


async def serve_app(
    app: web.Application,
    address: str,
    port: int,
    ssl_context: ssl.SSLContext,
    stop: asyncio.Event,
    *,
    message: str = "serving",
    shutdown_timeout: float = 60.0,
) -> None:
    """Listen with an explicit AppRunner/TCPSite, log `message`, and clean up once `stop` is set."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        site = web.TCPSite(runner, address, port, ssl_context=ssl_context)
        await site.start()
        log.info(message, extra={"address": address, "port": port})
        await stop.wait()
        log.info("shutting down")
    finally:
        await runner.cleanup()


def run_until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `main(stop)` in a fresh event loop; SIGTERM and SIGINT set `stop`."""

    async def signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await main(stop)

    asyncio.run(signalled())
