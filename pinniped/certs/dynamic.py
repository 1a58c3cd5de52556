"""A certificate and key that change at run time (rotation), with listeners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyPair:
    cert_pem: bytes
    key_pem: bytes


class DynamicKeyPair:
    """Holds the current key pair (or None before the first one arrives)."""

    def __init__(self) -> None:
        self._current: KeyPair | None = None
        self._listeners: list[Callable[[KeyPair | None], None]] = []

    @property
    def current(self) -> KeyPair | None:
        return self._current

    def set(self, pair: KeyPair | None) -> None:
        if pair == self._current:
            return
        self._current = pair
        for listener in self._listeners:
            listener(pair)

    def add_listener(self, listener: Callable[[KeyPair | None], None]) -> None:
        self._listeners.append(listener)
