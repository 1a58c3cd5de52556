"""metav1.Condition bookkeeping: lastTransitionTime moves only when a condition's status flips."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from pinniped.api.meta import Condition

ConditionStatus = Literal["True", "False", "Unknown"]

REASON_SUCCESS: Final = "Success"
REASON_NOT_READY: Final = "NotReady"
REASON_UNABLE_TO_VALIDATE: Final = "UnableToValidate"
MSG_UNABLE_TO_VALIDATE: Final = "unable to validate; see other conditions for details"


@dataclass(frozen=True)
class Observation:
    """A condition as a controller computes it, before times and generations are stamped."""

    type: str
    status: ConditionStatus
    reason: str
    message: str

    @classmethod
    def ok(cls, type_: str, message: str) -> Observation:
        return cls(type_, "True", REASON_SUCCESS, message)

    @classmethod
    def failed(cls, type_: str, reason: str, message: str) -> Observation:
        return cls(type_, "False", reason, message)

    @classmethod
    def unknown(cls, type_: str) -> Observation:
        return cls(type_, "Unknown", REASON_UNABLE_TO_VALIDATE, MSG_UNABLE_TO_VALIDATE)


def has_error(observations: Iterable[Observation]) -> bool:
    return any(observation.status == "False" for observation in observations)


def merge(
    existing: Sequence[Condition],
    observations: Iterable[Observation],
    generation: int,
    now: str,
) -> list[Condition]:
    """Existing conditions updated with `observations`, sorted by type (as upstream does)."""
    merged: dict[str, Condition] = {condition["type"]: condition for condition in existing}
    for observation in observations:
        old = merged.get(observation.type)
        flipped = old is None or old["status"] != observation.status
        since = now if flipped or old is None else old["lastTransitionTime"]
        merged[observation.type] = {
            "type": observation.type,
            "status": observation.status,
            "observedGeneration": generation,
            "lastTransitionTime": since,
            "reason": observation.reason,
            "message": observation.message,
        }
    return [merged[key] for key in sorted(merged)]
