"""/healthz, /livez and /readyz (ready once every named check passes)."""

from __future__ import annotations

from aiohttp import web

from pinniped.concierge import keys


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok", content_type="text/plain")


async def readyz(request: web.Request) -> web.Response:
    failing = [name for name, check in request.app[keys.READINESS].items() if not check()]
    if not failing:
        return web.Response(text="ok", content_type="text/plain")
    lines = [f"[-]{name} failed: not ready" for name in sorted(failing)]
    return web.Response(
        status=503,
        text="\n".join([*lines, "readyz check failed"]) + "\n",
        content_type="text/plain",
    )
