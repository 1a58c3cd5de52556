"""Discovery documents (legacy, unaggregated) for the Concierge's two served API groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from pinniped.api.groups import VERSION
from pinniped.concierge.status import json_response, not_acceptable


@dataclass(frozen=True)
class ServedResource:
    group: str
    plural: str
    kind: str

    @property
    def singular(self) -> str:
        return self.kind.lower()


def api_resource_list(resource: ServedResource) -> dict[str, Any]:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{resource.group}/{VERSION}",
        "resources": [
            {
                "name": resource.plural,
                "singularName": resource.singular,
                "namespaced": False,
                "kind": resource.kind,
                "verbs": ["create", "list"],
                "categories": ["pinniped"],
            }
        ],
    }


def api_group(group: str) -> dict[str, Any]:
    version = {"groupVersion": f"{group}/{VERSION}", "version": VERSION}
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": [version],
        "preferredVersion": version,
    }


def handlers(resources: list[ServedResource]) -> dict[str, Handler]:
    """Path → GET handler for /apis, /apis/<group> and /apis/<group>/<version>."""

    async def groups(request: web.Request) -> web.Response:
        # The aggregator asks for aggregated discovery (apidiscovery.k8s.io/v2) first; saying
        # "not acceptable" makes it fall back to the per-version documents below.
        if "apidiscovery.k8s.io" in request.headers.get("Accept", ""):
            raise not_acceptable("aggregated discovery is not served; use /apis/<group>/<version>")
        return json_response(
            {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [api_group(r.group) for r in resources],
            }
        )

    routes: dict[str, Handler] = {"/apis": groups}
    for resource in resources:
        routes[f"/apis/{resource.group}"] = _constant(api_group(resource.group))
        routes[f"/apis/{resource.group}/{VERSION}"] = _constant(api_resource_list(resource))
    return routes


def _constant(document: dict[str, Any]) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return json_response(document)

    return handler
