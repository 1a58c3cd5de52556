"""Reading a JSON request body the way kube-apiserver does, with Status errors."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from pinniped.concierge.status import bad_request, too_large, unsupported_media_type

ACCEPTED_CONTENT_TYPES = frozenset({"application/json", ""})


async def read_json_object(request: web.Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object. Content-Type must be JSON (empty means JSON, as in kube)."""
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise unsupported_media_type(content_type)
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        raise bad_request("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body
