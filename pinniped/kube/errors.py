"""Typed API errors, built from the metav1.Status bodies kube-apiserver returns."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A non-2xx answer from the API server."""

    def __init__(self, status: int, reason: str, message: str, body: Any = None) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.body = body

    @classmethod
    def from_response(cls, status: int, body: Any) -> ApiError:
        reason = message = ""
        if isinstance(body, dict):
            reason = str(body.get("reason", ""))
            message = str(body.get("message", ""))
        elif isinstance(body, str):
            message = body[:500]
        error_type = {404: NotFound, 409: Conflict, 410: Gone}.get(status, ApiError)
        return error_type(status, reason, message, body)


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class Gone(ApiError):
    """The requested resourceVersion is too old: list again."""
