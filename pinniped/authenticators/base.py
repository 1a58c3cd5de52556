"""What an authenticator is: a token in, a user (or no user) out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class UserInfo:
    username: str
    uid: str = ""
    groups: Sequence[str] = ()
    extra: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticatorKey:
    """How a TokenCredentialRequest names an authenticator: `spec.authenticator`."""

    api_group: str
    kind: str
    name: str


class AuthenticationError(Exception):
    """The authenticator could not decide (webhook unreachable, bad answer, ...)."""


class TokenAuthenticator(Protocol):
    async def authenticate(self, token: str) -> UserInfo | None:
        """The user for a valid token, None for a rejected one; AuthenticationError otherwise."""
        ...

    async def close(self) -> None: ...
