"""Delegated authorization: ask kube-apiserver (SubjectAccessReview) whether the caller may act.

Answers are cached briefly (longer for "allowed" than for "denied", as kube's delegating
authorizer does), and identical questions asked at once share one review.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from pinniped.concierge.frontproxy import MASTERS_GROUP, Caller

SAR_PATH: Final = "/apis/authorization.k8s.io/v1/subjectaccessreviews"


@dataclass(frozen=True)
class ResourceAttributes:
    group: str
    version: str
    resource: str
    verb: str
    namespace: str = ""


class Authorizer(Protocol):
    async def authorize(self, caller: Caller, attributes: ResourceAttributes) -> bool: ...


class SARClient(Protocol):
    async def create(
        self, path: str, body: dict[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]: ...


_Key = tuple[str, str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], ResourceAttributes]


class SubjectAccessReviewAuthorizer:
    def __init__(
        self,
        client: SARClient,
        allowed_ttl: float = 10.0,
        denied_ttl: float = 2.0,
        max_entries: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._allowed_ttl = allowed_ttl
        self._denied_ttl = denied_ttl
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._answers: dict[_Key, tuple[bool, float]] = {}
        self._in_flight: dict[_Key, asyncio.Future[bool]] = {}

    async def authorize(self, caller: Caller, attributes: ResourceAttributes) -> bool:
        """True if allowed; raises on a failed review (the caller answers 500)."""
        if MASTERS_GROUP in caller.groups:
            return True
        key = _cache_key(caller, attributes)
        answer = self._answers.get(key)
        if answer is not None and answer[1] > self._monotonic():
            return answer[0]
        pending = self._in_flight.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not pending.cancelled() or (task is not None and task.cancelling()):
                    raise
                # The request that asked first went away; ask on our own behalf.
        return await self._review_and_share(key, caller, attributes)

    async def _review_and_share(self, key: _Key, caller: Caller, attributes: ResourceAttributes) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            allowed = await self._review(caller, attributes)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as error:
            future.set_exception(error)
            future.exception()  # marks it retrieved; waiters re-raise it
            raise
        finally:
            if self._in_flight.get(key) is future:
                del self._in_flight[key]
        future.set_result(allowed)
        self._remember(key, allowed)
        return allowed

    def _remember(self, key: _Key, allowed: bool) -> None:
        now = self._monotonic()
        if len(self._answers) >= self._max_entries:
            self._answers = {k: v for k, v in self._answers.items() if v[1] > now}
            if len(self._answers) >= self._max_entries:
                self._answers.clear()
        ttl = self._allowed_ttl if allowed else self._denied_ttl
        self._answers[key] = (allowed, now + ttl)

    async def _review(self, caller: Caller, attributes: ResourceAttributes) -> bool:
        resource: dict[str, str] = {
            "group": attributes.group,
            "version": attributes.version,
            "resource": attributes.resource,
            "verb": attributes.verb,
        }
        if attributes.namespace:
            resource["namespace"] = attributes.namespace
        spec: dict[str, Any] = {
            "user": caller.username,
            "groups": list(caller.groups),
            "resourceAttributes": resource,
        }
        if caller.uid:
            spec["uid"] = caller.uid
        if caller.extra:
            spec["extra"] = caller.extra
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": spec,
        }
        answer = await self._client.create(SAR_PATH, review)
        status = answer.get("status") or {}
        return bool(status.get("allowed")) and not status.get("denied")


def _cache_key(caller: Caller, attributes: ResourceAttributes) -> _Key:
    extra = tuple(sorted((k, tuple(v)) for k, v in caller.extra.items()))
    return (caller.username, caller.uid, caller.groups, extra, attributes)
