"""POST /authenticate: validate the HTTP request, read the TokenReview, authenticate, answer.

Checks run in upstream's order, so each malformed request gets the same status code: media
types (415), body (413/400), apiVersion and kind (400), token shape (400), store (500).
"""

from __future__ import annotations

import json
from typing import Any, Final

from aiohttp import web

from pinniped.api import tokenreview
from pinniped.api.tokenreview import TokenReview, TokenReviewStatus, TokenReviewUser
from pinniped.localuser.authenticator import AuthResult, MalformedTokenError
from pinniped.localuser.errors import WebhookError
from pinniped.localuser.keys import AUTHENTICATOR, MAX_BODY_BYTES
from pinniped.localuser.users import UserStoreError

JSON_MEDIA_TYPE: Final = "application/json"
ACCEPTABLE_MEDIA_TYPES: Final = frozenset({JSON_MEDIA_TYPE, "application/*", "*/*"})


async def authenticate(request: web.Request) -> web.Response:
    _require_json_content_type(request)
    _require_json_accept(request)
    api_version, token = _read_review(await _read_body(request))
    try:
        result = await request.app[AUTHENTICATOR].authenticate(token)
    except MalformedTokenError as error:
        raise WebhookError(400, str(error)) from None
    except UserStoreError as error:
        raise WebhookError(500, str(error)) from None
    return web.json_response(review_response(api_version, result))


def _require_json_content_type(request: web.Request) -> None:
    if request.content_type.lower() != JSON_MEDIA_TYPE:
        raise WebhookError(415, "the Content-Type must be application/json")


def _require_json_accept(request: web.Request) -> None:
    offered = ",".join(request.headers.getall("Accept", []))
    media_types = {part.split(";", 1)[0].strip().lower() for part in offered.split(",")}
    if not media_types & ACCEPTABLE_MEDIA_TYPES:
        raise WebhookError(415, "the Accept header must allow application/json")


async def _read_body(request: web.Request) -> bytes:
    limit = request.app[MAX_BODY_BYTES]
    if request.content_length is not None and request.content_length > limit:
        raise WebhookError(413, f"the request body must be at most {limit} bytes")
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise WebhookError(413, f"the request body must be at most {limit} bytes") from None


def _read_review(body: bytes) -> tuple[str, str]:
    """(apiVersion, token) of a TokenReview request body."""
    try:
        review: Any = json.loads(body)
    except (ValueError, RecursionError):
        raise WebhookError(400, "the request body is not valid JSON") from None
    if not isinstance(review, dict):
        raise WebhookError(400, "the request body must be a TokenReview object")
    api_version = review.get("apiVersion")
    if api_version not in tokenreview.SUPPORTED_VERSIONS:
        raise WebhookError(400, "the apiVersion must be authentication.k8s.io/v1 or v1beta1")
    if review.get("kind") != tokenreview.KIND:
        raise WebhookError(400, "the kind must be TokenReview")
    spec = review.get("spec")
    token = spec.get("token", "") if isinstance(spec, dict) else ""
    if not isinstance(token, str):
        raise WebhookError(400, "spec.token must be a string")
    return str(api_version), token


def review_response(api_version: str, result: AuthResult) -> TokenReview:
    """The TokenReview answer, in the version it was asked in. No uid and no extra."""
    user: TokenReviewUser = {}
    if result.authenticated:
        user["username"] = result.username
        if result.groups:
            user["groups"] = list(result.groups)
    status: TokenReviewStatus = {"authenticated": result.authenticated, "user": user}
    return {
        "apiVersion": api_version,
        "kind": "TokenReview",
        "metadata": {"creationTimestamp": None},
        "spec": {},
        "status": status,
    }
