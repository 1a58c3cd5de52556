"""POST tokencredentialrequests: validate → authenticate → check the identity → issue → audit.

Every failure after validation answers 201 with `status.message: "authentication failed"`, so a
caller learns nothing about why; the audit log says why.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any, Final

from aiohttp import web

from pinniped.api import login
from pinniped.authenticators.base import AuthenticationError, AuthenticatorKey, UserInfo
from pinniped.certs.authority import IssuedCertificate
from pinniped.concierge import keys, wire
from pinniped.concierge.body import read_json_object
from pinniped.concierge.status import bad_request, json_response
from pinniped.concierge.validation import (
    LOGIN_GROUP,
    require_kind,
    require_no_dry_run,
    require_no_namespace,
    token_required,
)
from pinniped.issuers.base import IssuerError
from pinniped.log import error_fields

log = logging.getLogger(__name__)

# The one extra key a certificate-based identity may drop without losing meaning (upstream HEAD).
ALLOWED_EXTRA_KEYS: Final = frozenset({"authentication.kubernetes.io/credential-id"})


async def create(request: web.Request) -> web.Response:
    app = request.app
    config = app[keys.CONFIG]
    api_version = config.groups.api_version(config.groups.login)
    audit = app[keys.AUDIT]

    body = await read_json_object(request, config.max_body_bytes)
    require_kind(body, api_version, login.KIND)
    spec: Mapping[str, Any] = body.get("spec") or {}
    token = spec.get("token") or ""
    if not isinstance(token, str):
        raise bad_request(f"not a {login.KIND}: spec.token must be a string")
    if not token:
        raise token_required(LOGIN_GROUP, login.KIND)
    require_no_dry_run(request, LOGIN_GROUP, login.KIND)
    require_no_namespace(request, login.KIND)

    reference = _authenticator_key(spec.get("authenticator"))
    audit.token_received(token)
    user = await _authenticate(app, reference, token)
    certificate = None if user is None else await _issue(app, user, config.client_cert_ttl)
    if user is None or certificate is None:
        return json_response(wire.authentication_failed(api_version), 201)
    audit.authenticated(user.username, user.groups, reference, certificate)
    return json_response(wire.credential_issued(api_version, certificate), 201)


async def _authenticate(app: web.Application, reference: AuthenticatorKey, token: str) -> UserInfo | None:
    """The user, if the named authenticator vouches for the token and a certificate can say so."""
    audit = app[keys.AUDIT]
    authenticator = app[keys.AUTHENTICATORS].get(reference)
    if authenticator is None:
        audit.authentication_failed("no such authenticator", reference)
        return None
    try:
        user = await authenticator.authenticate(token)
    except AuthenticationError as error:
        audit.authentication_failed(f"authenticator error: {error}", reference)
        return None
    except Exception as error:
        log.error(
            "authenticator failed unexpectedly",
            extra={"authenticator": reference.name, **error_fields(error)},
        )
        audit.unexpected_error(f"authenticator failed: {type(error).__name__}")
        return None
    if user is None:
        audit.authentication_failed("authenticator rejected the token", reference)
        return None
    problem = _unsupported(user)
    if problem is not None:
        audit.unsupported_user_info(problem, user.username)
        return None
    return user


async def _issue(app: web.Application, user: UserInfo, ttl: datetime.timedelta) -> IssuedCertificate | None:
    try:
        return await app[keys.ISSUER].issue(user.username, list(user.groups), ttl)
    except IssuerError as error:
        app[keys.AUDIT].unexpected_error(f"could not issue a client certificate: {error}")
        return None


def _authenticator_key(raw: object) -> AuthenticatorKey:
    ref: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return AuthenticatorKey(
        api_group=_text(ref.get("apiGroup")),
        kind=_text(ref.get("kind")),
        name=_text(ref.get("name")),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _unsupported(user: UserInfo) -> str | None:
    """Why a certificate cannot carry this identity faithfully, or None if it can."""
    if not user.username:
        return "the authenticator returned an empty username"
    if user.uid:
        return "the authenticator returned a UID, which a client certificate cannot carry"
    if any(key not in ALLOWED_EXTRA_KEYS for key in user.extra):
        return "the authenticator returned extra fields, which a client certificate cannot carry"
    return None
