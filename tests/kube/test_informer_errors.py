"""A failing list/watch is logged without the request's headers: the bearer token lives there."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pinniped.kube.client import KubeClient
from pinniped.kube.config import KubeSettings
from pinniped.kube.informer import Informer

TOKEN = "kube-bearer-token-value"


async def _garbled_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nBroken\x01Header: x\r\n\r\n")
    await writer.drain()
    writer.close()


async def test_malformed_responses_are_logged_without_the_bearer_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    failed = asyncio.Event()

    class Signal(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage() == "list/watch failed, retrying":
                failed.set()

    signal = Signal()
    logging.getLogger("pinniped.kube.informer").addHandler(signal)
    server = await asyncio.start_server(_garbled_http, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = KubeClient(KubeSettings(server=f"http://127.0.0.1:{port}", token=TOKEN))
    informer = Informer(client, "/api/v1/secrets", retry_delay=0.01)
    task = asyncio.create_task(informer.run())
    try:
        async with asyncio.timeout(5):
            await failed.wait()
    finally:
        logging.getLogger("pinniped.kube.informer").removeHandler(signal)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.close()
        server.close()
        await server.wait_closed()
    failures = [r for r in caplog.records if r.getMessage() == "list/watch failed, retrying"]
    assert "ClientResponseError" in str(failures[0].error)  # type: ignore[attr-defined]
    assert all(TOKEN not in str(vars(record)) for record in caplog.records)
