"""bcrypt runs off the event loop, bounded, and never matches malformed input."""

from __future__ import annotations

import asyncio
import threading

import bcrypt
import pytest

from pinniped.localuser import passwords
from pinniped.localuser.passwords import PasswordChecker, hash_password, password_matches

from .fakes import fast_hash


def test_hash_password_uses_cost_10_by_default() -> None:
    hashed = hash_password("secret-pw")
    assert hashed.startswith(b"$2b$10$")
    assert bcrypt.checkpw(b"secret-pw", hashed)


@pytest.mark.parametrize("password", ["", "x" * 73])
def test_hash_password_refuses_empty_and_over_long_passwords(password: str) -> None:
    with pytest.raises(ValueError, match="password"):
        hash_password(password, cost=4)


def test_malformed_hash_never_matches() -> None:
    assert not password_matches(b"pw", b"$2b$04$short")


async def test_checks_run_in_worker_threads_bounded_by_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    active = peak = 0
    lock = threading.Lock()
    loop_thread = threading.get_ident()

    def slow_match(password: bytes, password_hash: bytes) -> bool:
        nonlocal active, peak
        assert threading.get_ident() != loop_thread
        with lock:
            active += 1
            peak = max(peak, active)
        threading.Event().wait(0.02)
        with lock:
            active -= 1
        return True

    monkeypatch.setattr(passwords, "password_matches", slow_match)
    checker = PasswordChecker(limit=2)
    results = await asyncio.gather(*(checker.matches(b"p", b"h") for _ in range(6)))
    assert all(results)
    assert peak == 2


async def test_checker_compares_with_bcrypt() -> None:
    checker = PasswordChecker()
    hashed = fast_hash("right")
    assert await checker.matches(b"right", hashed)
    assert not await checker.matches(b"wrong", hashed)
