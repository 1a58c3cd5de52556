"""Every typed key the Concierge keeps on its web.Application and requests, in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiohttp import web

from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.certs.authority import Clock
from pinniped.concierge.audit import AuditLog
from pinniped.concierge.authorization import Authorizer, ResourceAttributes
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.frontproxy import Caller, FrontProxyVerifier
from pinniped.issuers.base import ClientCertIssuer

ReadinessChecks = Mapping[str, Callable[[], bool]]
# canonical route path -> (group, version, resource), for the authorization step
ResourceRoutes = Mapping[str, tuple[str, str, str]]

CONFIG = web.AppKey("config", ConciergeConfig)
AUTHENTICATORS = web.AppKey("authenticators", AuthenticatorCache)
ISSUER = web.AppKey("issuer", ClientCertIssuer)
FRONT_PROXY = web.AppKey("front_proxy", FrontProxyVerifier)
AUTHORIZER = web.AppKey("authorizer", Authorizer)
READINESS = web.AppKey[ReadinessChecks]("readiness")
RESOURCE_ROUTES = web.AppKey[ResourceRoutes]("resource_routes")
AUDIT = web.AppKey("audit", AuditLog)
CLOCK = web.AppKey[Clock]("clock")

CALLER = web.RequestKey("caller", Caller)
ATTRIBUTES = web.RequestKey("attributes", ResourceAttributes)
