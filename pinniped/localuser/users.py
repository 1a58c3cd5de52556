"""Where users come from: a read-only store the request path consults without API calls.

In the server the store is the Informer's in-memory copy of the Secrets in our namespace; tests
and the benchmark pass a `StaticUserStore`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pinniped.localuser.config import GROUPS_KEY, PASSWORD_HASH_KEY


class UserStoreError(Exception):
    """The store cannot answer (not synced yet, or a user Secret is malformed): HTTP 500."""


@dataclass(frozen=True)
class UserRecord:
    username: str
    password_hash: bytes | None
    """bcrypt hash; None when the Secret has none (nobody can log in as that user)."""
    groups: tuple[str, ...] = ()


class UserStore(Protocol):
    def get(self, username: str) -> UserRecord | None:
        """The user, None when unknown; raises UserStoreError when the store cannot tell."""
        ...


class StaticUserStore:
    """A dict-backed store (tests, benchmarks)."""

    def __init__(self, users: Mapping[str, UserRecord] | None = None) -> None:
        self.users: dict[str, UserRecord] = dict(users or {})

    def get(self, username: str) -> UserRecord | None:
        return self.users.get(username)


class SecretIndex(Protocol):
    """What SecretUserStore needs from an Informer: its store and its synced flag."""

    @property
    def store(self) -> dict[str, dict[str, Any]]: ...

    @property
    def synced(self) -> asyncio.Event: ...


class SecretUserStore:
    """Users are the Secrets of one namespace: name = username, data.passwordHash, data.groups."""

    def __init__(self, index: SecretIndex, namespace: str) -> None:
        self._index = index
        self._namespace = namespace

    def get(self, username: str) -> UserRecord | None:
        if not self._index.synced.is_set():
            raise UserStoreError("the user store has not synced yet")
        if not username or "/" in username:
            return None
        secret = self._index.store.get(f"{self._namespace}/{username}")
        return None if secret is None else user_from_secret(username, secret)


def user_from_secret(username: str, secret: Mapping[str, Any]) -> UserRecord:
    data = secret.get("data") or {}
    password_hash = _decode(data.get(PASSWORD_HASH_KEY))
    raw_groups = data.get(GROUPS_KEY)
    groups: tuple[str, ...] = ()
    if raw_groups:
        encoded = _decode(raw_groups)
        if encoded is None:
            raise UserStoreError("the groups of a user are not valid base64")
        try:
            groups = parse_groups(encoded.decode())
        except (UnicodeDecodeError, csv.Error) as error:
            raise UserStoreError("the groups of a user cannot be parsed") from error
    return UserRecord(username, password_hash or None, groups)


def parse_groups(text: str) -> tuple[str, ...]:
    """The first CSV record, each value trimmed; empty values dropped. Raises csv.Error."""
    record = next(csv.reader(io.StringIO(text), strict=True), [])
    return tuple(value.strip() for value in record if value.strip())


def _decode(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
