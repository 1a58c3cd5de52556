"""authentication.k8s.io TokenReview, as webhooks and kube-apiserver exchange it (v1 and v1beta1)."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

GROUP: Final = "authentication.k8s.io"
V1: Final = "authentication.k8s.io/v1"
V1BETA1: Final = "authentication.k8s.io/v1beta1"
SUPPORTED_VERSIONS: Final = (V1BETA1, V1)
KIND: Final = "TokenReview"


class TokenReviewSpec(TypedDict, total=False):
    token: str
    audiences: list[str]


class TokenReviewUser(TypedDict, total=False):
    username: str
    uid: str
    groups: list[str]
    extra: dict[str, list[str]]


class TokenReviewStatus(TypedDict, total=False):
    authenticated: bool
    user: TokenReviewUser
    audiences: list[str]
    error: str


class TokenReview(TypedDict):
    apiVersion: str
    kind: Literal["TokenReview"]
    metadata: NotRequired[dict[str, object]]
    spec: TokenReviewSpec
    status: NotRequired[TokenReviewStatus]
