"""Error responses: short metav1.Status JSON bodies, never a traceback."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Final

from aiohttp import web

from pinniped.api.meta import failure_status

REASONS: Final = {
    400: "BadRequest",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    500: "InternalError",
}


class WebhookError(Exception):
    """Raised by the handler; the error middleware turns it into a Status response."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_response(code: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    reason = REASONS.get(code) or HTTPStatus(code).phrase.replace(" ", "")
    response = web.json_response(failure_status(code, reason, message), status=code)
    for name, value in (headers or {}).items():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response
