"""Fakes and builders for the Concierge's unit tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web

from pinniped.authenticators.base import AuthenticatorKey, UserInfo
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.certs.authority import CertificateAuthority, IssuedCertificate
from pinniped.concierge.app import ConciergeDeps, build_app
from pinniped.concierge.authorization import ResourceAttributes
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.frontproxy import Caller, FrontProxyVerifier
from pinniped.concierge.requestheader import RequestHeaderConfig
from pinniped.issuers.base import IssuerError

WEBHOOK = AuthenticatorKey("authentication.concierge.pinniped.dev", "WebhookAuthenticator", "idp")
TOKEN = "pinny:secret-password-value"
PINNY = UserInfo("pinny", groups=("seals", "admins"))


class FakeAuthenticator:
    def __init__(self, outcome: UserInfo | Exception | None) -> None:
        self.outcome = outcome
        self.tokens: list[str] = []

    async def authenticate(self, token: str) -> UserInfo | None:
        self.tokens.append(token)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    async def close(self) -> None:
        pass


@dataclass
class FakeAuthorizer:
    allowed: bool = True
    calls: list[tuple[Caller, ResourceAttributes]] = field(default_factory=list)

    async def authorize(self, caller: Caller, attributes: ResourceAttributes) -> bool:
        self.calls.append((caller, attributes))
        return self.allowed


class CAIssuer:
    def __init__(self, authority: CertificateAuthority | None) -> None:
        self.authority = authority

    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        if self.authority is None:
            raise IssuerError("signing key not loaded")
        return self.authority.issue_client_certificate(username, groups, ttl)


@dataclass
class Harness:
    app: web.Application
    authenticators: AuthenticatorCache
    authorizer: FakeAuthorizer
    issuer: CAIssuer
    authority: CertificateAuthority


def make_app(
    user: UserInfo | Exception | None = PINNY,
    requestheader: Callable[[], RequestHeaderConfig | None] = lambda: None,
    config: ConciergeConfig | None = None,
    ready: bool = True,
) -> Harness:
    authority = CertificateAuthority.create("test cluster CA")
    cache = AuthenticatorCache()
    cache._entries[WEBHOOK] = FakeAuthenticator(user)
    authorizer = FakeAuthorizer()
    issuer = CAIssuer(authority)
    deps = ConciergeDeps(
        authenticators=cache,
        issuer=issuer,
        front_proxy=FrontProxyVerifier(requestheader),
        authorizer=authorizer,
        readiness={"serving-certificate": lambda: ready},
    )
    app = build_app(config or ConciergeConfig(signer="csr"), deps)
    return Harness(app, cache, authorizer, issuer, authority)


def tcr(token: str = TOKEN, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "apiVersion": "login.concierge.pinniped.dev/v1alpha1",
        "kind": "TokenCredentialRequest",
        "metadata": {},
        "spec": {
            "token": token,
            "authenticator": {
                "apiGroup": WEBHOOK.api_group,
                "kind": WEBHOOK.kind,
                "name": WEBHOOK.name,
            },
        },
    }
    body.update(extra)
    return body
