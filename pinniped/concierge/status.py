"""Kubernetes-style errors: handlers raise StatusError; the error middleware writes the Status."""

from __future__ import annotations

import json
from typing import Any, Final

from aiohttp import web

from pinniped.api.meta import Status, StatusCause, StatusDetails, failure_status

JSON_CONTENT_TYPE: Final = "application/json"


class StatusError(Exception):
    """An API failure with its metav1.Status body."""

    def __init__(self, status: Status) -> None:
        super().__init__(status["message"])
        self.status = status


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type=JSON_CONTENT_TYPE,
    )


def status_response(status: Status) -> web.Response:
    return json_response(status, status["code"])


def bad_request(message: str) -> StatusError:
    return StatusError(failure_status(400, "BadRequest", message))


def not_found() -> StatusError:
    return StatusError(failure_status(404, "NotFound", "the server could not find the requested resource"))


def method_not_allowed() -> StatusError:
    return StatusError(
        failure_status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    )


def not_acceptable(message: str) -> StatusError:
    return StatusError(failure_status(406, "NotAcceptable", message))


def too_large(limit: int) -> StatusError:
    return StatusError(
        failure_status(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")
    )


def unsupported_media_type(content_type: str) -> StatusError:
    return StatusError(
        failure_status(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format ({content_type!r}) - "
            "accepted media types include: application/json",
        )
    )


def invalid(group: str, kind: str, causes: list[StatusCause]) -> StatusError:
    """422 as apierrors.NewInvalid writes it: `<Kind>.<group> "" is invalid: <field>: <message>`."""
    summary = ", ".join(f"{cause['field']}: {cause['message']}" for cause in causes)
    details: StatusDetails = {"name": "", "group": group, "kind": kind, "causes": causes}
    message = f'{kind}.{group} "" is invalid: {summary}'
    return StatusError(failure_status(422, "Invalid", message, details))


def forbidden(user: str, verb: str, resource: str, group: str) -> StatusError:
    qualified = f"{resource}.{group}" if group else resource
    message = (
        f'{qualified} is forbidden: User "{user}" cannot {verb} resource "{resource}" '
        f'in API group "{group}" at the cluster scope'
    )
    details: StatusDetails = {"group": group, "kind": resource}
    return StatusError(failure_status(403, "Forbidden", message, details))


def internal_error() -> StatusError:
    return StatusError(
        failure_status(
            500,
            "InternalError",
            "an error on the server has prevented the request from succeeding",
        )
    )


HTTP_STATUS_REASONS: Final = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
}
