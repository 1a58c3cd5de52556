"""metav1 shapes: ObjectMeta subset, Status with causes, Condition."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class ObjectMeta(TypedDict, total=False):
    name: str
    namespace: str
    uid: str
    resourceVersion: str
    generation: int
    creationTimestamp: str | None
    labels: dict[str, str]
    annotations: dict[str, str]


class StatusCause(TypedDict):
    reason: str
    message: str
    field: str


class StatusDetails(TypedDict, total=False):
    name: str
    group: str
    kind: str
    causes: list[StatusCause]


class Status(TypedDict):
    kind: Literal["Status"]
    apiVersion: Literal["v1"]
    metadata: dict[str, str]
    status: Literal["Failure", "Success"]
    message: str
    reason: str
    code: int
    details: NotRequired[StatusDetails]


class Condition(TypedDict):
    type: str
    status: Literal["True", "False", "Unknown"]
    observedGeneration: NotRequired[int]
    lastTransitionTime: str
    reason: str
    message: str


def failure_status(code: int, reason: str, message: str, details: StatusDetails | None = None) -> Status:
    """A metav1.Status body as kube-apiserver writes it for a failed request."""
    status: Status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        status["details"] = details
    return status
