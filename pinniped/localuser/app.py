"""The composition root of the web application: routes, error middleware, collaborators."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

from pinniped.localuser.authenticator import Authenticator
from pinniped.localuser.config import AUTHENTICATE_PATH, ServeConfig
from pinniped.localuser.errors import WebhookError, error_response
from pinniped.localuser.handler import authenticate
from pinniped.localuser.keys import AUTHENTICATOR, MAX_BODY_BYTES
from pinniped.localuser.passwords import PasswordChecker
from pinniped.localuser.users import UserStore
from pinniped.log import error_fields

log = logging.getLogger(__name__)

MESSAGES = {
    404: f"not found: the only path is {AUTHENTICATE_PATH}",
    405: f"method not allowed: use POST {AUTHENTICATE_PATH}",
    413: "the request body is too large",
}


@dataclass(frozen=True)
class Deps:
    store: UserStore
    checker: PasswordChecker


def build_app(config: ServeConfig, deps: Deps) -> web.Application:
    app = web.Application(middlewares=[status_errors], client_max_size=config.max_body_bytes)
    app[AUTHENTICATOR] = Authenticator(deps.store, deps.checker)
    app[MAX_BODY_BYTES] = config.max_body_bytes
    app.router.add_post(AUTHENTICATE_PATH, authenticate)
    return app


@web.middleware
async def status_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure leaves as a short Status JSON body."""
    try:
        return await handler(request)
    except WebhookError as error:
        if error.code >= 500:
            log.warning("request failed", extra={"code": error.code, "error": error.message})
        return error_response(error.code, error.message)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        message = MESSAGES.get(error.status, error.reason)
        return error_response(error.status, message, error.headers)
    except Exception as error:
        log.error("unexpected error while handling a request", extra=error_fields(error))
        return error_response(500, "internal error")
