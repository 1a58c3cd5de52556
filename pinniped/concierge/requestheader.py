"""The front-proxy (requestheader) settings kube-apiserver publishes for aggregated API servers.

ConfigMap `kube-system/extension-apiserver-authentication` says which CA signs the aggregator's
client certificate, which names it may have, and which headers carry the user. An Informer keeps
`RequestHeaderSource` current; the TLS layer and the front-proxy verifier listen to it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from cryptography import x509

log = logging.getLogger(__name__)

NAMESPACE: Final = "kube-system"
NAME: Final = "extension-apiserver-authentication"
COLLECTION_PATH: Final = f"/api/v1/namespaces/{NAMESPACE}/configmaps?fieldSelector=metadata.name%3D{NAME}"


@dataclass(frozen=True)
class RequestHeaderConfig:
    client_ca_pem: bytes
    client_cas: tuple[x509.Certificate, ...]
    allowed_names: frozenset[str]
    username_headers: tuple[str, ...]
    uid_headers: tuple[str, ...]
    group_headers: tuple[str, ...]
    extra_prefixes: tuple[str, ...]


def parse_configmap(data: Mapping[str, Any]) -> RequestHeaderConfig | None:
    """The settings from the ConfigMap's data; None when it names no requestheader CA."""
    ca_pem = str(data.get("requestheader-client-ca-file") or "").encode()
    if not ca_pem.strip():
        return None
    cas = tuple(x509.load_pem_x509_certificates(ca_pem))
    return RequestHeaderConfig(
        client_ca_pem=ca_pem,
        client_cas=cas,
        allowed_names=frozenset(_json_list(data, "requestheader-allowed-names")),
        username_headers=_json_list(data, "requestheader-username-headers"),
        uid_headers=_json_list(data, "requestheader-uid-headers"),
        group_headers=_json_list(data, "requestheader-group-headers"),
        extra_prefixes=_json_list(data, "requestheader-extra-headers-prefix"),
    )


def _json_list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    raw = data.get(key)
    if not raw:
        return ()
    values = json.loads(raw)
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{key} is not a JSON list of strings")
    return tuple(v for v in values if v)


Listener = Callable[[RequestHeaderConfig | None], None]


class RequestHeaderSource:
    """The current requestheader settings; an Informer listener feeds it."""

    def __init__(self, initial: RequestHeaderConfig | None = None) -> None:
        self._current = initial
        self._listeners: list[Listener] = []

    @property
    def current(self) -> RequestHeaderConfig | None:
        return self._current

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def set(self, config: RequestHeaderConfig | None) -> None:
        if config == self._current:
            return
        self._current = config
        for listener in self._listeners:
            listener(config)

    def on_event(self, event: str, obj: dict[str, Any]) -> None:
        """Informer listener for the ConfigMap."""
        if event == "DELETED":
            self.set(None)
            return
        try:
            config = parse_configmap(obj.get("data") or {})
        except ValueError as error:
            log.warning(
                "ignoring an unusable requestheader configuration",
                extra={"configmap": f"{NAMESPACE}/{NAME}", "error": str(error)},
            )
            return
        self.set(config)
