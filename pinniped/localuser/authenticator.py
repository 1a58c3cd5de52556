"""Token → identity: split `username:password` at the first colon, look up, compare the hash."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from pinniped.localuser.passwords import PasswordChecker
from pinniped.localuser.users import UserStore

log = logging.getLogger(__name__)


class MalformedTokenError(ValueError):
    """The token has no colon: the request is malformed (HTTP 400), not merely wrong."""


class Outcome(enum.Enum):
    AUTHENTICATED = "authenticated"
    UNKNOWN_USER = "unknown user"
    EMPTY_PASSWORD = "empty password"
    NO_PASSWORD_HASH = "user has no password hash"
    WRONG_PASSWORD = "wrong password"


@dataclass(frozen=True)
class AuthResult:
    outcome: Outcome
    username: str
    groups: tuple[str, ...] = ()

    @property
    def authenticated(self) -> bool:
        return self.outcome is Outcome.AUTHENTICATED


def split_token(token: str) -> tuple[str, str]:
    username, colon, password = token.partition(":")
    if not colon:
        raise MalformedTokenError("the token must be username:password")
    return username, password


class Authenticator:
    """Reads users from the store (memory) and checks passwords with bcrypt. Raises
    MalformedTokenError for a token without a colon and UserStoreError when the store fails."""

    def __init__(self, store: UserStore, checker: PasswordChecker) -> None:
        self._store = store
        self._checker = checker

    async def authenticate(self, token: str) -> AuthResult:
        username, password = split_token(token)
        result = await self._check(username, password)
        log.info(
            "authentication request",
            extra={"username": username, "outcome": result.outcome.value},
        )
        return result

    async def _check(self, username: str, password: str) -> AuthResult:
        user = self._store.get(username)
        if user is None:
            return AuthResult(Outcome.UNKNOWN_USER, username)
        if not password:
            return AuthResult(Outcome.EMPTY_PASSWORD, username)
        if user.password_hash is None:
            return AuthResult(Outcome.NO_PASSWORD_HASH, username)
        if not await self._checker.matches(_encode(password), user.password_hash):
            return AuthResult(Outcome.WRONG_PASSWORD, username)
        return AuthResult(Outcome.AUTHENTICATED, username, user.groups)


def _encode(password: str) -> bytes:
    # JSON may carry lone surrogates; they must reach bcrypt (and fail) rather than raise here.
    return password.encode("utf-8", "surrogatepass")
