"""Keeps each APIService's `spec.caBundle` equal to the serving Secret's `caCertificate`.

The APIServices themselves are created by the deploy step; this controller only patches the CA
bundle (and only when it differs), so kube-apiserver trusts the serving certificate after rotation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pinniped.api.groups import VERSION, ConciergeGroups
from pinniped.certs.serving_secret import CA_KEY
from pinniped.controllers.base import EventType, KubeApi, Object, ObjectSource
from pinniped.controllers.workqueue import WorkQueue, run_single_key
from pinniped.kube.client import resource_path
from pinniped.kube.errors import NotFound

log = logging.getLogger(__name__)


def concierge_apiservice_names(groups: ConciergeGroups) -> list[str]:
    return [f"{VERSION}.{groups.login}", f"{VERSION}.{groups.identity}"]


class APIServiceUpdater:
    def __init__(
        self,
        client: KubeApi,
        secrets: ObjectSource,
        namespace: str,
        secret_name: str,
        apiservice_names: Sequence[str],
        *,
        check_seconds: float = 60.0,
    ) -> None:
        self._client = client
        self._secrets = secrets
        self._key = f"{namespace}/{secret_name}"
        self._secret_name = secret_name
        self._names = list(apiservice_names)
        self._check_seconds = check_seconds
        self._queue = WorkQueue()
        secrets.add_listener(self._on_event)

    def _on_event(self, event: EventType, obj: Object) -> None:
        if obj.get("metadata", {}).get("name") == self._secret_name and event != "DELETED":
            self._queue.add(self._key)

    async def run(self) -> None:
        await run_single_key(
            "apiservice-updater", self._queue, self._key, self._secrets.synced, self.sync, self._check_seconds
        )

    async def sync(self) -> None:
        secret = self._secrets.get(self._key)
        ca_bundle = ((secret or {}).get("data") or {}).get(CA_KEY)
        if not ca_bundle:
            return
        for name in self._names:
            path = resource_path("apiregistration.k8s.io", "v1", "apiservices", name=name)
            try:
                apiservice = await self._client.get(path)
            except NotFound:
                log.warning("APIService not found; the deploy step creates it", extra={"apiservice": name})
                continue
            if (apiservice.get("spec") or {}).get("caBundle") == ca_bundle:
                continue
            # resourceVersion makes the patch conditional: a concurrent edit retries the sync.
            version = apiservice.get("metadata", {}).get("resourceVersion")
            patch: Object = {"spec": {"caBundle": ca_bundle}}
            if version:
                patch["metadata"] = {"resourceVersion": version}
            await self._client.merge_patch(path, patch)
            log.info("updated APIService CA bundle", extra={"apiservice": name})
