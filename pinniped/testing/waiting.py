"""Bounded polling for eventually-consistent cluster state."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(condition: Callable[[], bool], timeout: float = 15.0, interval: float = 0.1) -> bool:
    """True as soon as `condition()` is; False once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
