"""Serve the Concierge: explicit AppRunner/TCPSite over TLS, stopped by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from pinniped.concierge.app import build_app
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.wiring import build_runtime
from pinniped.kube import config as kube_config
from pinniped.kube.client import KubeClient

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0


async def serve(config: ConciergeConfig, stop: asyncio.Event) -> None:
    settings = kube_config.load(config.kubeconfig)
    async with KubeClient(settings, user_agent="pinniped-concierge") as kube:
        runtime = build_runtime(config, kube, settings)
        app = build_app(config, runtime.deps)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(
                runner,
                config.listen_address,
                config.port,
                ssl_context=runtime.tls.listening_context,
                shutdown_timeout=SHUTDOWN_SECONDS,
            )
            await site.start()
            log.info(
                "serving the Concierge API",
                extra={"address": config.listen_address, "port": config.port},
            )
            await stop.wait()
            log.info("shutting down")
        finally:
            await runner.cleanup()


def run(config: ConciergeConfig) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await serve(config, stop)

    asyncio.run(main())
    return 0
