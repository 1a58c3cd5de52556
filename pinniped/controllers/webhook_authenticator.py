"""Fills the AuthenticatorCache from WebhookAuthenticators and writes their status.

A valid spec is validated once (including a TLS dial) and then served from the cache; an invalid
or deleted one leaves the cache at once. Specs in error are validated again every
`recheck_seconds`, so a webhook that comes up (or a CA that gets fixed on the server side) turns
Ready without an edit.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from pinniped.api.authentication import WEBHOOK_KIND
from pinniped.api.groups import VERSION, WEBHOOK_AUTHENTICATORS, ConciergeGroups
from pinniped.authenticators.base import AuthenticatorKey
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.controllers.base import Clock, EventType, KubeApi, Object, ObjectSource, rfc3339
from pinniped.controllers.base import utc_now as default_clock
from pinniped.controllers.conditions import REASON_NOT_READY, Observation, has_error, merge
from pinniped.controllers.webhook_validation import (
    TYPE_READY,
    AuthenticatorFactory,
    Dialer,
    default_factory,
    tls_dial,
    validate,
)
from pinniped.controllers.workqueue import WorkQueue, drain
from pinniped.kube.client import resource_path
from pinniped.kube.errors import NotFound

log = logging.getLogger(__name__)

DEFAULT_GROUPS = ConciergeGroups()

READY = Observation.ok(TYPE_READY, "the WebhookAuthenticator is ready")
NOT_READY = Observation.failed(
    TYPE_READY,
    REASON_NOT_READY,
    "the WebhookAuthenticator is not ready: see other conditions for details",
)


@dataclass(frozen=True)
class _Outcome:
    fingerprint: str
    observations: list[Observation]

    @property
    def ready(self) -> bool:
        return not has_error(self.observations)


class WebhookAuthenticatorController:
    def __init__(
        self,
        client: KubeApi,
        informer: ObjectSource,
        cache: AuthenticatorCache,
        *,
        groups: ConciergeGroups = DEFAULT_GROUPS,
        clock: Clock = default_clock,
        dial: Dialer = tls_dial,
        make_authenticator: AuthenticatorFactory = default_factory,
        recheck_seconds: float = 10.0,
        dial_timeout: float = 5.0,
    ) -> None:
        self._client = client
        self._informer = informer
        self._cache = cache
        self._groups = groups
        self._clock = clock
        self._dial = dial
        self._make_authenticator = make_authenticator
        self._recheck_seconds = recheck_seconds
        self._dial_timeout = dial_timeout
        self._queue = WorkQueue()
        self._outcomes: dict[str, _Outcome] = {}
        self._recheck: set[str] = set()
        informer.add_listener(self._on_event)

    def _on_event(self, event: EventType, obj: Object) -> None:
        self._queue.add(str(obj.get("metadata", {}).get("name", "")))

    def _recheck_errors(self) -> None:
        for name, outcome in self._outcomes.items():
            if not outcome.ready:
                self._recheck.add(name)
                self._queue.add(name)

    async def run(self) -> None:
        await self._informer.synced.wait()
        for name in list(self._informer.store):
            self._queue.add(name)
        await drain(
            "webhookauthenticator",
            self._queue,
            sync=self.sync,
            resync=self._recheck_errors,
            resync_seconds=self._recheck_seconds,
        )

    def cache_key(self, name: str) -> AuthenticatorKey:
        return AuthenticatorKey(self._groups.authentication, WEBHOOK_KIND, name)

    async def sync(self, name: str) -> None:
        key = self.cache_key(name)
        obj = self._informer.get(name)
        if obj is None:
            self._outcomes.pop(name, None)
            await self._cache.delete(key)
            log.info("removed webhook authenticator", extra={"authenticator": name})
            return
        spec: dict[str, Any] = obj.get("spec") or {}
        fingerprint = json.dumps(spec, sort_keys=True)
        outcome = self._outcomes.get(name)
        if outcome is None or self._needs_validation(name, key, outcome, fingerprint):
            outcome = await self._validate(name, key, spec, fingerprint)
        await self._write_status(obj, outcome)

    def _needs_validation(
        self, name: str, key: AuthenticatorKey, outcome: _Outcome, fingerprint: str
    ) -> bool:
        forced = name in self._recheck
        self._recheck.discard(name)
        if outcome.fingerprint != fingerprint:
            return True
        if outcome.ready:
            return self._cache.get(key) is None
        return forced

    async def _validate(
        self, name: str, key: AuthenticatorKey, spec: dict[str, Any], fingerprint: str
    ) -> _Outcome:
        result = await validate(
            spec,
            dial=self._dial,
            make_authenticator=self._make_authenticator,
            dial_timeout=self._dial_timeout,
        )
        outcome = _Outcome(fingerprint, result.observations)
        self._outcomes[name] = outcome
        if result.authenticator is None:
            await self._cache.delete(key)
            log.info("webhook authenticator is invalid", extra={"authenticator": name})
        else:
            await self._cache.store(key, result.authenticator)
            log.info(
                "added webhook authenticator",
                extra={"authenticator": name, "endpoint": spec.get("endpoint")},
            )
        return outcome

    async def _write_status(self, obj: Object, outcome: _Outcome) -> None:
        metadata = obj.get("metadata", {})
        status = obj.get("status") or {}
        observations = [*outcome.observations, READY if outcome.ready else NOT_READY]
        conditions = merge(
            status.get("conditions") or [],
            observations,
            int(metadata.get("generation", 0)),
            rfc3339(self._clock()),
        )
        phase = "Ready" if outcome.ready else "Error"
        if status.get("phase") == phase and status.get("conditions") == conditions:
            return
        path = resource_path(
            self._groups.authentication, VERSION, WEBHOOK_AUTHENTICATORS, name=metadata.get("name")
        )
        try:
            await self._client.merge_patch(
                f"{path}/status", {"status": {"phase": phase, "conditions": conditions}}
            )
        except NotFound:
            return
