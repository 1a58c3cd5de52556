"""Users from Secrets: groups parsing, malformed data, and changes seen through an Informer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest

from pinniped.kube.client import KubeClient
from pinniped.kube.informer import Informer
from pinniped.localuser.users import (
    SecretUserStore,
    UserRecord,
    UserStoreError,
    parse_groups,
    user_from_secret,
)

from .fakes import FakeSecretIndex, b64, fast_hash

NS = "local-user-authenticator"


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("group1,group2", ("group1", "group2")),
        (" group1 , group2 ", ("group1", "group2")),
        ('"a,b",c', ("a,b", "c")),
        ("only", ("only",)),
        ("a,,b", ("a", "b")),
        ("a,b\nc,d", ("a", "b")),
    ],
)
def test_groups_are_the_trimmed_first_csv_record(text: str, groups: tuple[str, ...]) -> None:
    assert parse_groups(text) == groups


def test_user_from_secret_decodes_hash_and_groups() -> None:
    secret = {"data": {"passwordHash": b64(b"$2b$10$abc"), "groups": b64("g1, g2")}}
    assert user_from_secret("ryan", secret) == UserRecord("ryan", b"$2b$10$abc", ("g1", "g2"))


@pytest.mark.parametrize(
    "data",
    [{}, {"passwordHash": ""}, {"passwordHash": "%%% not base64"}, {"passwordHash": 7}],
)
def test_missing_or_undecodable_hash_means_no_hash(data: dict[str, Any]) -> None:
    assert user_from_secret("ryan", {"data": data}).password_hash is None


def test_secret_without_data_is_a_user_without_hash_or_groups() -> None:
    assert user_from_secret("ryan", {"metadata": {}}) == UserRecord("ryan", None, ())


@pytest.mark.parametrize("groups", ["%%%", b64('"unterminated'), b64(b"\xff\xfe")])
def test_unparseable_groups_are_a_store_error(groups: str) -> None:
    with pytest.raises(UserStoreError):
        user_from_secret("ryan", {"data": {"passwordHash": b64("x"), "groups": groups}})


def test_store_reads_secrets_of_its_namespace_only() -> None:
    index = FakeSecretIndex()
    index.put(NS, "ryan", {"passwordHash": b64("h")})
    index.put("elsewhere", "eve", {"passwordHash": b64("h")})
    store = SecretUserStore(index, NS)
    assert store.get("ryan") == UserRecord("ryan", b"h")
    assert store.get("eve") is None
    assert store.get("") is None
    assert store.get("../ryan") is None


def test_store_that_has_not_synced_is_an_error() -> None:
    store = SecretUserStore(FakeSecretIndex(synced=False), NS)
    with pytest.raises(UserStoreError):
        store.get("ryan")


class WatchingKube:
    """Lists the given Secrets, then streams events pushed into `events`."""

    def __init__(self, secrets: list[dict[str, Any]]) -> None:
        self.secrets = secrets
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def get(self, path: str) -> dict[str, Any]:
        return {"items": self.secrets, "metadata": {"resourceVersion": "1"}}

    async def watch(
        self, path: str, resource_version: str, timeout_seconds: int = 300
    ) -> AsyncIterator[dict[str, Any]]:
        while True:
            yield await self.events.get()


def secret(name: str, password_hash: bytes, groups: str, version: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": NS, "resourceVersion": version},
        "data": {"passwordHash": b64(password_hash), "groups": b64(groups)},
    }


async def test_changed_and_deleted_secrets_take_effect_through_the_informer() -> None:
    first, second = fast_hash("one"), fast_hash("two")
    kube = WatchingKube([secret("ryan", first, "a", "1")])
    informer = Informer(cast(KubeClient, kube), f"/api/v1/namespaces/{NS}/secrets")
    heard: asyncio.Queue[str] = asyncio.Queue()
    informer.add_listener(lambda event, obj: heard.put_nowait(event))
    store = SecretUserStore(informer, NS)
    running = asyncio.create_task(informer.run())
    try:
        async with asyncio.timeout(5):
            await informer.synced.wait()
        assert store.get("ryan") == UserRecord("ryan", first, ("a",))
        assert await heard.get() == "ADDED"

        await kube.events.put({"type": "MODIFIED", "object": secret("ryan", second, "b,c", "2")})
        async with asyncio.timeout(1):  # the server promises changes within a second
            assert await heard.get() == "MODIFIED"
        assert store.get("ryan") == UserRecord("ryan", second, ("b", "c"))

        await kube.events.put({"type": "DELETED", "object": secret("ryan", second, "", "3")})
        async with asyncio.timeout(1):
            assert await heard.get() == "DELETED"
        assert store.get("ryan") is None
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
