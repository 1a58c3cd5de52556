"""add-user and remove-user: write the user Secrets the server reads."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, TextIO

from pinniped.kube.client import resource_path
from pinniped.kube.errors import ApiError, Conflict, NotFound
from pinniped.localuser.config import APP_NAME, GROUPS_KEY, PASSWORD_HASH_KEY, TLS_SECRET_NAME
from pinniped.localuser.passwords import DEFAULT_COST, hash_password

SECRET_NAME: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
USER_LABEL: Final = {"app.kubernetes.io/managed-by": APP_NAME}


class ManageError(Exception):
    """A one-line reason the command failed."""


class UserSecretClient(Protocol):
    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...

    async def merge_patch(self, path: str, patch: dict[str, Any]) -> dict[str, Any]: ...

    async def delete(self, path: str) -> dict[str, Any]: ...


def read_password(stdin: TextIO, prompt: Callable[[str], str]) -> str:
    """From a prompt on a terminal, else the first line of stdin (never from an argument)."""
    if stdin.isatty():
        password = prompt("Password: ")
    else:
        password = stdin.readline().removesuffix("\n").removesuffix("\r")
    if not password:
        raise ManageError("no password given")
    return password


def validate_username(name: str) -> None:
    if len(name) > 253 or not SECRET_NAME.fullmatch(name):
        raise ManageError(
            f"invalid user name {name!r}: use lower-case letters, digits, '-' and '.' "
            "(it becomes a Secret name)"
        )
    if name == TLS_SECRET_NAME:
        raise ManageError(f"{name} is the server's certificate Secret, not a user")


def format_groups(groups: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(groups)
    return out.getvalue()


async def add_user(
    client: UserSecretClient,
    namespace: str,
    name: str,
    *,
    groups: Sequence[str],
    password: str,
    cost: int = DEFAULT_COST,
) -> bool:
    """Create the user's Secret, or update it when it exists. True when it already existed."""
    validate_username(name)
    try:
        password_hash = hash_password(password, cost)
    except ValueError as error:
        raise ManageError(str(error)) from None
    data: dict[str, Any] = {PASSWORD_HASH_KEY: base64.b64encode(password_hash).decode()}
    if groups:
        data[GROUPS_KEY] = base64.b64encode(format_groups(groups).encode()).decode()
    collection = resource_path("", "v1", "secrets", namespace)
    body = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "labels": USER_LABEL},
        "type": "Opaque",
        "data": data,
    }
    try:
        await client.create(collection, body)
        return False
    except Conflict:
        pass
    except ApiError as error:
        raise ManageError(f"cannot create user {name}: {error}") from None
    patch = {"data": {GROUPS_KEY: None, **data}}
    try:
        await client.merge_patch(f"{collection}/{name}", patch)
    except ApiError as error:
        raise ManageError(f"cannot update user {name}: {error}") from None
    return True


async def remove_user(client: UserSecretClient, namespace: str, name: str) -> None:
    validate_username(name)
    try:
        await client.delete(resource_path("", "v1", "secrets", namespace, name))
    except NotFound:
        raise ManageError(f"user {name} does not exist in namespace {namespace}") from None
    except ApiError as error:
        raise ManageError(f"cannot remove user {name}: {error}") from None
