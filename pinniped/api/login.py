"""login.concierge.pinniped.dev/v1alpha1: TokenCredentialRequest."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

from pinniped.api.meta import ObjectMeta

KIND: Final = "TokenCredentialRequest"
AUTHENTICATION_FAILED: Final = "authentication failed"


class TypedLocalObjectReference(TypedDict):
    apiGroup: str | None
    kind: str
    name: str


class TokenCredentialRequestSpec(TypedDict, total=False):
    token: str
    authenticator: TypedLocalObjectReference


class ClusterCredential(TypedDict, total=False):
    expirationTimestamp: str | None
    token: str
    clientCertificateData: str
    clientKeyData: str


class TokenCredentialRequestStatus(TypedDict, total=False):
    credential: ClusterCredential
    message: str


class TokenCredentialRequest(TypedDict):
    apiVersion: str
    kind: Literal["TokenCredentialRequest"]
    metadata: ObjectMeta
    spec: TokenCredentialRequestSpec
    status: NotRequired[TokenCredentialRequestStatus]
