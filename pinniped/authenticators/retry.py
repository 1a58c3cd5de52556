"""Exponential backoff with jitter, as client-go's `wait.Backoff` (the webhook's retry policy)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Up to `steps` attempts; the n-th wait is initial * factor**n, stretched by up to `jitter`."""

    initial: float = 0.5
    factor: float = 1.5
    jitter: float = 0.2
    steps: int = 5

    def delays(self, rand: Callable[[], float] = random.random) -> Iterator[float]:
        """The waits between attempts: one fewer than `steps`."""
        delay = self.initial
        for _ in range(self.steps - 1):
            yield delay * (1 + self.jitter * rand()) if self.jitter > 0 else delay
            delay *= self.factor
