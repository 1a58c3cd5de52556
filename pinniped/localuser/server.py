"""run(config): bootstrap TLS, watch user Secrets, serve until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from pinniped.kube import config as kube_config
from pinniped.kube.client import KubeClient, resource_path
from pinniped.kube.informer import Informer
from pinniped.localuser.app import Deps, build_app
from pinniped.localuser.config import ServeConfig
from pinniped.localuser.passwords import PasswordChecker
from pinniped.localuser.tls import ensure_serving_secret, server_ssl_context
from pinniped.localuser.users import SecretUserStore
from pinniped.serving import run_until_signalled, serve_app

log = logging.getLogger(__name__)

SYNC_WARNING_INTERVAL = 10.0


def run(config: ServeConfig) -> None:
    run_until_signalled(lambda stop: serve(config, stop))


async def serve(config: ServeConfig, stop: asyncio.Event) -> None:
    settings = kube_config.load(config.kubeconfig)
    async with KubeClient(settings, user_agent="local-user-authenticator") as client:
        material = await ensure_serving_secret(client, config.namespace, config.tls_hosts)
        ssl_context = server_ssl_context(material, config.tls_min_version)
        informer = Informer(client, resource_path("", "v1", "secrets", config.namespace))
        watching = asyncio.create_task(informer.run(), name="secret-informer")
        try:
            if not await _wait_for_sync(informer, stop):
                return
            deps = Deps(SecretUserStore(informer, config.namespace), PasswordChecker())
            await serve_app(build_app(config, deps), config.listen_address, config.port, ssl_context, stop)
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching


async def _wait_for_sync(informer: Informer, stop: asyncio.Event) -> bool:
    """True once the Secrets are listed; False when asked to stop first."""
    while not stop.is_set():
        waiters = [asyncio.create_task(informer.synced.wait()), asyncio.create_task(stop.wait())]
        done, pending = await asyncio.wait(
            waiters, timeout=SYNC_WARNING_INTERVAL, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in pending:
            waiter.cancel()
        if informer.synced.is_set():
            return True
        if not done:
            log.warning("still waiting for the user Secrets to sync")
    return False
