"""A TokenReview webhook that answers at once: every token is user `bench` in group `bench`.

Run as its own process by bench_tcr.py, so its CPU does not count against the load generator:
    python hack/bench/instant_webhook.py PORT CERT_FILE KEY_FILE
"""

from __future__ import annotations

import asyncio
import ssl
import sys

from aiohttp import web


async def review(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response(
        {
            "apiVersion": body.get("apiVersion", "authentication.k8s.io/v1beta1"),
            "kind": "TokenReview",
            "status": {"authenticated": True, "user": {"username": "bench", "groups": ["bench"]}},
        }
    )


async def serve(port: int, cert: str, key: str) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_post("/authenticate", review)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=context).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
