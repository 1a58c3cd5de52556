"""Run an aiohttp application on a loopback port in a background thread (for synchronous tests)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Iterator

from aiohttp import web


@contextlib.contextmanager
def serve_in_thread(
    app: web.Application,
    port: int,
    ssl_context: ssl.SSLContext | None = None,
    host: str = "127.0.0.1",
) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, handle_signals=False)
    ready = threading.Event()
    failure: list[BaseException] = []

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()

    async def stop() -> None:
        await runner.cleanup()
        await asyncio.sleep(0.05)  # let closed transports finish before the loop goes

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as error:
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name=f"aiohttp-{port}", daemon=True)
    thread.start()
    ready.wait(timeout=30)
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
