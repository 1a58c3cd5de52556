"""authentication.concierge.pinniped.dev/v1alpha1: WebhookAuthenticator (and the JWT kind's name)."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

from pinniped.api.meta import Condition, ObjectMeta

WEBHOOK_KIND: Final = "WebhookAuthenticator"
JWT_KIND: Final = "JWTAuthenticator"

Phase = Literal["Pending", "Ready", "Error"]


class TLSSpec(TypedDict, total=False):
    certificateAuthorityData: str


class WebhookAuthenticatorSpec(TypedDict):
    endpoint: str
    tls: NotRequired[TLSSpec]


class AuthenticatorStatus(TypedDict, total=False):
    conditions: list[Condition]
    phase: Phase


class WebhookAuthenticator(TypedDict):
    apiVersion: str
    kind: Literal["WebhookAuthenticator"]
    metadata: ObjectMeta
    spec: WebhookAuthenticatorSpec
    status: NotRequired[AuthenticatorStatus]
