"""identity.concierge.pinniped.dev/v1alpha1: WhoAmIRequest."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

from pinniped.api.meta import ObjectMeta

KIND: Final = "WhoAmIRequest"


class UserInfo(TypedDict, total=False):
    username: str
    uid: str
    groups: list[str]
    extra: dict[str, list[str]]


class KubernetesUserInfo(TypedDict):
    user: UserInfo
    audiences: NotRequired[list[str]]


class WhoAmIRequestStatus(TypedDict):
    kubernetesUserInfo: KubernetesUserInfo


class WhoAmIRequest(TypedDict):
    apiVersion: str
    kind: Literal["WhoAmIRequest"]
    metadata: ObjectMeta
    spec: dict[str, object]
    status: NotRequired[WhoAmIRequestStatus]
