"""Fakes for the local-user-authenticator unit tests."""

from __future__ import annotations

import asyncio
import base64
import copy
from typing import Any

import bcrypt

from pinniped.kube.errors import ApiError, Conflict, NotFound
from pinniped.localuser.users import UserRecord

FAST_COST = 4


def fast_hash(password: str) -> bytes:
    hashed: bytes = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=FAST_COST))
    return hashed


def user(name: str, password: str, *groups: str) -> UserRecord:
    return UserRecord(name, fast_hash(password), groups)


def b64(value: str | bytes) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


class FakeKube:
    """Objects by path; the subset of KubeClient that the bootstrap and the CLI use."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail_with: ApiError | None = None
        self.created_by_someone_else: dict[str, Any] | None = None
        """If set, the next create finds this object already there (the create race)."""

    async def __aenter__(self) -> FakeKube:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def _check(self, verb: str, path: str) -> None:
        self.calls.append((verb, path))
        if self.fail_with is not None:
            raise self.fail_with

    async def get(self, path: str) -> dict[str, Any]:
        self._check("get", path)
        if path not in self.objects:
            raise NotFound(404, "NotFound", f"{path} not found")
        return copy.deepcopy(self.objects[path])

    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self._check("create", path)
        target = f"{path}/{body['metadata']['name']}"
        if self.created_by_someone_else is not None:
            self.objects[target], self.created_by_someone_else = self.created_by_someone_else, None
        if target in self.objects:
            raise Conflict(409, "AlreadyExists", f"{target} already exists")
        self.objects[target] = copy.deepcopy(body)
        return body

    async def merge_patch(self, path: str, patch: dict[str, Any]) -> dict[str, Any]:
        self._check("merge_patch", path)
        if path not in self.objects:
            raise NotFound(404, "NotFound", f"{path} not found")
        _merge(self.objects[path], patch)
        return copy.deepcopy(self.objects[path])

    async def delete(self, path: str) -> dict[str, Any]:
        self._check("delete", path)
        if self.objects.pop(path, None) is None:
            raise NotFound(404, "NotFound", f"{path} not found")
        return {}


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class FakeSecretIndex:
    """What an Informer offers SecretUserStore: a store of Secrets by namespace/name."""

    def __init__(self, synced: bool = True) -> None:
        self.store: dict[str, dict[str, Any]] = {}
        self.synced = asyncio.Event()
        if synced:
            self.synced.set()

    def put(self, namespace: str, name: str, data: dict[str, str]) -> None:
        self.store[f"{namespace}/{name}"] = {
            "metadata": {"name": name, "namespace": namespace},
            "data": data,
        }
