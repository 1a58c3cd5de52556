"""config.concierge.pinniped.dev/v1alpha1: CredentialIssuer."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

from pinniped.api.meta import ObjectMeta

KIND: Final = "CredentialIssuer"
DEFAULT_NAME: Final = "pinniped-concierge-config"

StrategyType = Literal["KubeClusterSigningCertificate", "ImpersonationProxy"]
StrategyStatus = Literal["Success", "Error"]
FrontendType = Literal["TokenCredentialRequestAPI", "ImpersonationProxy"]


class TokenCredentialRequestAPIInfo(TypedDict):
    server: str
    certificateAuthorityData: str


class CredentialIssuerFrontend(TypedDict):
    type: FrontendType
    tokenCredentialRequestInfo: NotRequired[TokenCredentialRequestAPIInfo]


class CredentialIssuerStrategy(TypedDict):
    type: StrategyType
    status: StrategyStatus
    reason: str
    message: str
    lastUpdateTime: str
    frontend: NotRequired[CredentialIssuerFrontend]


class CredentialIssuerStatus(TypedDict, total=False):
    strategies: list[CredentialIssuerStrategy]


class CredentialIssuer(TypedDict):
    apiVersion: str
    kind: Literal["CredentialIssuer"]
    metadata: ObjectMeta
    spec: NotRequired[dict[str, object]]
    status: NotRequired[CredentialIssuerStatus]
