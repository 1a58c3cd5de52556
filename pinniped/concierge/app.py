"""The composition root of the web application: routes, middlewares, controllers, app keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler

from pinniped.api import identity, login
from pinniped.api.groups import TOKEN_CREDENTIAL_REQUESTS, VERSION, WHO_AM_I_REQUESTS
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.certs.authority import Clock, utc_now
from pinniped.concierge import discovery, health, keys, middleware, tokencredentialrequest, whoami
from pinniped.concierge.audit import AuditLog
from pinniped.concierge.authorization import Authorizer
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.controllers import supervised
from pinniped.concierge.discovery import ServedResource
from pinniped.concierge.frontproxy import FrontProxyVerifier
from pinniped.concierge.status import bad_request, json_response
from pinniped.concierge.wire import empty_list
from pinniped.controllers.base import Controller
from pinniped.issuers.base import ClientCertIssuer


@dataclass
class ConciergeDeps:
    authenticators: AuthenticatorCache
    issuer: ClientCertIssuer
    front_proxy: FrontProxyVerifier
    authorizer: Authorizer
    readiness: Mapping[str, Callable[[], bool]] = field(default_factory=dict)
    controllers: Sequence[tuple[str, Controller]] = ()
    audit: AuditLog = field(default_factory=AuditLog)
    clock: Clock = utc_now


def build_app(config: ConciergeConfig, deps: ConciergeDeps) -> web.Application:
    app = web.Application(middlewares=[middleware.errors, middleware.authentication_and_authorization])
    app[keys.CONFIG] = config
    app[keys.AUTHENTICATORS] = deps.authenticators
    app[keys.ISSUER] = deps.issuer
    app[keys.FRONT_PROXY] = deps.front_proxy
    app[keys.AUTHORIZER] = deps.authorizer
    app[keys.READINESS] = deps.readiness
    app[keys.AUDIT] = deps.audit
    app[keys.CLOCK] = deps.clock

    groups = config.groups
    served = [
        (
            ServedResource(groups.login, TOKEN_CREDENTIAL_REQUESTS, login.KIND),
            tokencredentialrequest.create,
        ),
        (ServedResource(groups.identity, WHO_AM_I_REQUESTS, identity.KIND), whoami.create),
    ]
    resource_routes: dict[str, tuple[str, str, str]] = {}
    for resource, create in served:
        base = f"/apis/{resource.group}/{VERSION}"
        for path in (
            f"{base}/{resource.plural}",
            f"{base}/namespaces/{{namespace}}/{resource.plural}",
        ):
            app.router.add_post(path, create)
            app.router.add_get(path, _lister(resource))
            resource_routes[path] = (resource.group, VERSION, resource.plural)
    app[keys.RESOURCE_ROUTES] = resource_routes

    for path, handler in discovery.handlers([resource for resource, _ in served]).items():
        app.router.add_get(path, handler)
    for path in ("/healthz", "/livez"):
        app.router.add_get(path, health.healthz)
    app.router.add_get("/readyz", health.readyz)

    for name, controller in deps.controllers:
        app.cleanup_ctx.append(supervised(controller, name))
    return app


def _lister(resource: ServedResource) -> Handler:
    async def list_nothing(request: web.Request) -> web.Response:
        namespace = request.match_info.get("namespace")
        if namespace is not None:
            raise bad_request(f"namespace is not allowed on {resource.kind}: {namespace}")
        return json_response(empty_list(f"{resource.group}/{VERSION}", resource.kind))

    return list_nothing
