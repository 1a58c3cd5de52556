"""Child processes in their own process group, logging to a file, killed as a group."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1
# Looked up before any fork: the child only makes the libc call.
_PRCTL = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """Linux: kill the child when the harness dies, even by SIGKILL, so nothing leaks.

    The child leads its own session (no terminal signals), so without this a killed harness would
    leave etcd and kube-apiserver running. Elsewhere this is a no-op.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only async-signal-safe work inside
            )

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def pgid(self) -> int:
        """The process group id (equal to pid: the child leads its own session)."""
        return self._popen.pid

    def exited(self) -> int | None:
        return self._popen.poll()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace_seconds: float = 10.0) -> None:
        """SIGTERM the whole group, then SIGKILL what is left; reap the child."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pgid, sig)
            deadline = time.monotonic() + grace_seconds
            while time.monotonic() < deadline:
                if self._popen.poll() is not None and not group_alive(self.pgid):
                    return
                time.sleep(0.05)
        self._popen.wait(timeout=5)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_ready(process: ManagedProcess, ready: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `ready` until it holds; fail early with the log tail if the process exits, or on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.exited() is not None:
            raise RuntimeError(f"{process.name} exited with {process.exited()}:\n{process.tail()}")
        if ready():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{process.name} did not {what} within {timeout:g}s:\n{process.tail()}")
