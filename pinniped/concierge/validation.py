"""The checks upstream's create handlers make before doing any work, in upstream's order."""

from __future__ import annotations

import json
from typing import Any, Final

from aiohttp import web

from pinniped.api.groups import ConciergeGroups
from pinniped.concierge.status import StatusError, bad_request, invalid

# Upstream builds these errors from its internal API group, which never carries the suffix.
LOGIN_GROUP: Final = ConciergeGroups().login
IDENTITY_GROUP: Final = ConciergeGroups().identity


def require_kind(body: dict[str, Any], api_version: str, kind: str) -> None:
    """400 unless the body is this kind (a missing apiVersion/kind defaults from the URL)."""
    sent_kind = body.get("kind", kind) or kind
    sent_version = body.get("apiVersion", api_version) or api_version
    if sent_kind != kind or sent_version != api_version:
        raise bad_request(f"not a {kind}: got kind {_short(sent_kind)}, apiVersion {_short(sent_version)}")
    for section in ("metadata", "spec"):
        if body.get(section) is not None and not isinstance(body[section], dict):
            raise bad_request(f"not a {kind}: {section} must be an object")


def require_no_dry_run(request: web.Request, group: str, kind: str) -> None:
    values = request.query.getall("dryRun", [])
    if values:
        rendered = "[]string{" + ", ".join(json.dumps(v) for v in values) + "}"
        raise invalid(
            group,
            kind,
            [
                {
                    "reason": "FieldValueNotSupported",
                    "message": f"Unsupported value: {rendered}",
                    "field": "dryRun",
                }
            ],
        )


def require_no_namespace(request: web.Request, kind: str) -> None:
    namespace = request.match_info.get("namespace")
    if namespace is not None:
        raise bad_request(f"namespace is not allowed on {kind}: {namespace}")


def token_required(group: str, kind: str) -> StatusError:
    return invalid(
        group,
        kind,
        [
            {
                "reason": "FieldValueRequired",
                "message": "Required value: token must be supplied",
                "field": "spec.token.value",
            }
        ],
    )


def _short(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + '..."'
