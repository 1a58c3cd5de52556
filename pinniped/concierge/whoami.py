"""POST whoamirequests: echo the caller's identity as kube-apiserver passed it to us."""

from __future__ import annotations

from aiohttp import web

from pinniped.api import identity
from pinniped.api.identity import UserInfo, WhoAmIRequest
from pinniped.concierge import keys
from pinniped.concierge.body import read_json_object
from pinniped.concierge.status import json_response
from pinniped.concierge.validation import (
    IDENTITY_GROUP,
    require_kind,
    require_no_dry_run,
    require_no_namespace,
)


async def create(request: web.Request) -> web.Response:
    config = request.app[keys.CONFIG]
    api_version = config.groups.api_version(config.groups.identity)
    body = await read_json_object(request, config.max_body_bytes)
    require_kind(body, api_version, identity.KIND)
    require_no_dry_run(request, IDENTITY_GROUP, identity.KIND)
    require_no_namespace(request, identity.KIND)

    caller = request[keys.CALLER]
    user: UserInfo = {"username": caller.username}
    if caller.uid:
        user["uid"] = caller.uid
    if caller.groups:
        user["groups"] = list(caller.groups)
    if caller.extra:
        user["extra"] = {key: list(values) for key, values in caller.extra.items()}
    response: WhoAmIRequest = {
        "kind": "WhoAmIRequest",
        "apiVersion": api_version,
        "metadata": {"creationTimestamp": None},
        "spec": {},
        "status": {"kubernetesUserInfo": {"user": user}},
    }
    return json_response(response, 201)
