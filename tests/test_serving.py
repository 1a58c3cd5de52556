"""serve_app: an explicit runner on loopback TLS that stops when asked."""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import trustme
from aiohttp import web

from pinniped.serving import serve_app
from pinniped.testing.ports import free_port


async def test_the_app_answers_over_tls_until_stop_is_set() -> None:
    ca = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/", hello)
    port = free_port()
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_app(app, "127.0.0.1", port, server_context, stop))
    url = f"https://127.0.0.1:{port}/"
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(url, ssl=client_context) as response:
                    assert await response.text() == "hello"
                    break
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.02)
        else:
            raise AssertionError("the app never answered")
        stop.set()
        await asyncio.wait_for(serving, 5)
        try:
            async with session.get(url, ssl=client_context):
                raise AssertionError("still serving after stop")
        except aiohttp.ClientConnectorError:
            pass
