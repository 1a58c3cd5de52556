"""bcrypt, kept off the event loop and bounded to the number of cores."""

from __future__ import annotations

import asyncio
import os
from typing import Final

import bcrypt

DEFAULT_COST: Final = 10
MAX_PASSWORD_BYTES: Final = 72
"""bcrypt ignores bytes past 72; we refuse such passwords instead of silently truncating."""


def hash_password(password: str, cost: int = DEFAULT_COST) -> bytes:
    encoded = password.encode()
    if not encoded:
        raise ValueError("the password must not be empty")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise ValueError(f"the password must be at most {MAX_PASSWORD_BYTES} bytes")
    hashed: bytes = bcrypt.hashpw(encoded, bcrypt.gensalt(rounds=cost))
    return hashed


def password_matches(password: bytes, password_hash: bytes) -> bool:
    """bcrypt comparison; a malformed hash or an over-long password never matches."""
    try:
        return bool(bcrypt.checkpw(password, password_hash))
    except ValueError:
        return False


class PasswordChecker:
    """Runs bcrypt in worker threads, at most `limit` at a time (default: one per core)."""

    def __init__(self, limit: int | None = None) -> None:
        self._slots = asyncio.Semaphore(limit or os.cpu_count() or 1)

    async def matches(self, password: bytes, password_hash: bytes) -> bool:
        async with self._slots:
            return await asyncio.to_thread(password_matches, password, password_hash)
