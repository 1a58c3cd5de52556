"""Serve the Concierge: explicit AppRunner/TCPSite over TLS, stopped by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio

from pinniped.concierge.app import build_app
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.wiring import build_runtime
from pinniped.kube import config as kube_config
from pinniped.kube.client import KubeClient
from pinniped.serving import run_until_signalled, serve_app

SHUTDOWN_SECONDS = 10.0


async def serve(config: ConciergeConfig, stop: asyncio.Event) -> None:
    settings = kube_config.load(config.kubeconfig)
    async with KubeClient(settings, user_agent="pinniped-concierge") as kube:
        runtime = build_runtime(config, kube, settings)
        await serve_app(
            build_app(config, runtime.deps),
            config.listen_address,
            config.port,
            runtime.tls.listening_context,
            stop,
            message="serving the Concierge API",
            shutdown_timeout=SHUTDOWN_SECONDS,
        )


def run(config: ConciergeConfig) -> int:
    run_until_signalled(lambda stop: serve(config, stop))
    return 0
