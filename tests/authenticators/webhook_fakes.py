"""A scripted TokenReview webhook (an aiohttp handler) for the webhook client tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeWebhook:
    """Records each request; answers with `responses` in turn, repeating the last one."""

    url: str
    ca_pem: bytes
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    responses: list[tuple[int, Any]] = field(default_factory=list)
    delay: float = 0.0

    def answer(self, *responses: tuple[int, Any]) -> None:
        self.responses[:] = list(responses)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.paths.append(request.path)
        self.headers.append(dict(request.headers))
        self.requests.append(await request.json())
        if self.delay:
            await asyncio.sleep(self.delay)
        status, body = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return web.json_response(body, status=status)


def authenticated_review(username: str = "pinny", groups: list[str] | None = None) -> dict[str, Any]:
    return {
        "kind": "TokenReview",
        "apiVersion": "authentication.k8s.io/v1beta1",
        "status": {
            "authenticated": True,
            "user": {"username": username, "groups": groups or ["seals"]},
        },
    }
