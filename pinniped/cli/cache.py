"""The exec plugin's credential cache: a locked, 0600 YAML-compatible (JSON) file; best effort."""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from pinniped.api.execcredential import ExecCredentialStatus

API_VERSION: Final = "config.supervisor.pinniped.dev/v1alpha1"
KIND: Final = "CredentialCache"
MAX_AGE: Final = timedelta(hours=1)
EXPIRY_MARGIN: Final = timedelta(seconds=10)
LOCK_TIMEOUT_SECONDS: Final = 10.0
LOCK_RETRY_SECONDS: Final = 0.01

# client.authentication.k8s.io Cluster fields in Go struct order; True = omitempty.
_CLUSTER_FIELDS: Final = (
    ("server", False),
    ("tls-server-name", True),
    ("insecure-skip-tls-verify", True),
    ("certificate-authority-data", True),
    ("proxy-url", True),
    ("disable-compression", True),
)
_GO_HTML_ESCAPES: Final = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_GO_LINE_ESCAPES: Final = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def _builtin_sha256() -> Callable[[bytes], Any]:
    """The interpreter's own SHA-256; hashlib would first load OpenSSL (~2 ms per kubectl call)."""
    for name in ("_sha2", "_sha256"):  # Python 3.12+, 3.11
        try:
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256

    return sha256


def go_json(value: object) -> str:
    """Encode like Go's json.Encoder: compact, HTML-safe escapes, raw UTF-8, trailing newline."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for plain, escaped in (_GO_HTML_ESCAPES | _GO_LINE_ESCAPES).items():
        text = text.replace(plain, escaped)
    return text + "\n"


def normalized_cluster(cluster: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The exec-info cluster as Go re-encodes it: known fields, struct order, omitempty applied."""
    if cluster is None:
        return None
    result: dict[str, Any] = {}
    for name, omit_empty in _CLUSTER_FIELDS:
        value = cluster.get(name)
        if not (omit_empty and not value):
            result[name] = value if value is not None else ""
    result["config"] = cluster.get("config")  # runtime.RawExtension: null when absent
    return result


def cache_key(args: Sequence[str], token: str, cluster: Mapping[str, Any] | None) -> str:
    """Hex SHA-256 over the arguments, the token and the cluster, as upstream's CLI computes it."""
    key = {"args": list(args), "token": token, "cluster": normalized_cluster(cluster)}
    return str(_builtin_sha256()(go_json(key).encode()).hexdigest())


def default_path(env: Mapping[str, str]) -> str:
    config_home = env.get("XDG_CONFIG_HOME") or os.path.join(
        env.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return os.path.join(config_home, "pinniped", "credentials.yaml")


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class CredentialCache:
    """Get/put ExecCredentialStatus by key; every failure is swallowed (reported to `on_error`)."""

    def __init__(
        self,
        path: str,
        now: Callable[[], datetime],
        on_error: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.now = now
        self.on_error = on_error
        self.sleep = sleep
        self.monotonic = monotonic

    def get(self, key: str) -> ExecCredentialStatus | None:
        found: list[ExecCredentialStatus] = []

        def lookup(entries: list[dict[str, Any]]) -> None:
            for entry in entries:
                if entry["key"] == key:
                    entry["lastUsedTimestamp"] = _timestamp(self.now())
                    found.append(entry["credential"])

        self._transact(lookup)
        return found[0] if found else None

    def put(self, key: str, credential: ExecCredentialStatus) -> None:
        def store(entries: list[dict[str, Any]]) -> None:
            entries[:] = [entry for entry in entries if entry["key"] != key]
            stamp = _timestamp(self.now())
            entries.append(
                {
                    "key": key,
                    "creationTimestamp": stamp,
                    "lastUsedTimestamp": stamp,
                    "credential": dict(credential),
                }
            )

        self._transact(store)

    def _transact(self, change: Callable[[list[dict[str, Any]]], None]) -> None:
        try:
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, mode=0o700, exist_ok=True)
            with self._locked():
                entries = self._fresh(self._read())
                change(entries)
                self._write(self._fresh(entries))
        except (OSError, TimeoutError) as err:
            if self.on_error is not None:
                self.on_error(f"credential cache unavailable: {err}")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        descriptor = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = self.monotonic() + LOCK_TIMEOUT_SECONDS
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if self.monotonic() >= deadline:
                        raise TimeoutError("timed out waiting for the lock") from None
                    self.sleep(LOCK_RETRY_SECONDS)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def _read(self) -> list[dict[str, Any]]:
        try:
            with open(self.path, encoding="utf-8") as file:
                document = json.load(file)
        except (OSError, ValueError, RecursionError):
            return []  # missing, unreadable or nested too deeply: start over
        if not isinstance(document, dict) or (document.get("apiVersion"), document.get("kind")) != (
            API_VERSION,
            KIND,
        ):
            return []
        credentials = document.get("credentials")
        if not isinstance(credentials, list):
            return []
        return [entry for entry in credentials if _well_formed(entry)]

    def _fresh(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = self.now()
        kept = []
        for entry in entries:
            created = _parse(entry["creationTimestamp"])
            expires = _parse(entry["credential"].get("expirationTimestamp"))
            if created is None or expires is None or created < now - MAX_AGE:
                continue
            if expires - EXPIRY_MARGIN <= now:
                continue
            kept.append((created, entry))
        kept.sort(key=lambda pair: pair[0])
        return [entry for _created, entry in kept]

    def _write(self, entries: list[dict[str, Any]]) -> None:
        document = {"apiVersion": API_VERSION, "kind": KIND, "credentials": entries}
        temporary = f"{self.path}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(document, file, indent=2)
                file.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and isinstance(entry.get("creationTimestamp"), str)
        and isinstance(entry.get("credential"), dict)
    )
