"""Middlewares: Status errors for everything (never a traceback); who is calling; may they."""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

from pinniped.api.meta import failure_status
from pinniped.concierge import keys
from pinniped.concierge.authorization import ResourceAttributes
from pinniped.concierge.status import (
    HTTP_STATUS_REASONS,
    StatusError,
    forbidden,
    internal_error,
    method_not_allowed,
    not_found,
    status_response,
    too_large,
)
from pinniped.log import error_fields

log = logging.getLogger(__name__)

VERBS: Final = {"POST": "create", "GET": "list", "HEAD": "list"}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StatusError as error:
        return status_response(error.status)
    except web.HTTPException as error:
        return status_response(_status_for(request, error).status)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        # Logged without the request body or the error's message, either of which may hold a token.
        log.error(
            "unexpected error serving a request",
            extra={"method": request.method, "path": request.path, **error_fields(error)},
        )
        return status_response(internal_error().status)


def _status_for(request: web.Request, error: web.HTTPException) -> StatusError:
    if error.status == 404:
        return not_found()
    if error.status == 405:
        return method_not_allowed()
    if error.status == 413:
        return too_large(request.app[keys.CONFIG].max_body_bytes)
    if error.status >= 500:
        return internal_error()
    reason = HTTP_STATUS_REASONS.get(error.status, "BadRequest")
    return StatusError(failure_status(error.status, reason, error.reason))


@web.middleware
async def authentication_and_authorization(request: web.Request, handler: Handler) -> web.StreamResponse:
    app = request.app
    ssl_object = request.transport.get_extra_info("ssl_object") if request.transport else None
    caller = app[keys.FRONT_PROXY].caller(
        ssl_object if isinstance(ssl_object, ssl.SSLObject) else None, request.headers
    )
    request[keys.CALLER] = caller

    resource = request.match_info.route.resource
    target = app[keys.RESOURCE_ROUTES].get(resource.canonical) if resource else None
    verb = VERBS.get(request.method)
    if target is None or verb is None:
        return await handler(request)  # health, discovery, 404 and 405 need no authorization

    group, version, plural = target
    attributes = ResourceAttributes(group, version, plural, verb, request.match_info.get("namespace", ""))
    try:
        allowed = await app[keys.AUTHORIZER].authorize(caller, attributes)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        log.warning("authorization check failed", extra={"error": str(error)})
        raise internal_error() from None
    if not allowed:
        raise forbidden(caller.username, verb, plural, group)
    return await handler(request)
