"""Authenticators by key. Controllers write it; the TokenCredentialRequest handler only reads."""

from __future__ import annotations

from pinniped.authenticators.base import AuthenticatorKey, TokenAuthenticator


class AuthenticatorCache:
    def __init__(self) -> None:
        self._entries: dict[AuthenticatorKey, TokenAuthenticator] = {}

    def get(self, key: AuthenticatorKey) -> TokenAuthenticator | None:
        return self._entries.get(key)

    async def store(self, key: AuthenticatorKey, authenticator: TokenAuthenticator) -> None:
        previous = self._entries.get(key)
        self._entries[key] = authenticator
        if previous is not None and previous is not authenticator:
            await previous.close()

    async def delete(self, key: AuthenticatorKey) -> None:
        previous = self._entries.pop(key, None)
        if previous is not None:
            await previous.close()

    def keys(self) -> list[AuthenticatorKey]:
        return list(self._entries)

    async def close(self) -> None:
        for key in self.keys():
            await self.delete(key)
