"""Which `pinniped` CLI the suites drive: ours by default, any other via $PINNIPED_TEST_CLI."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def pinniped_command() -> list[str]:
    """argv prefix: $PINNIPED_TEST_CLI, else the `pinniped` script beside this Python, else `-m`."""
    configured = os.environ.get("PINNIPED_TEST_CLI")
    if configured:
        return [configured]
    beside = Path(sys.executable).with_name("pinniped")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pinniped")
    if found:
        return [found]
    return [sys.executable, "-m", "pinniped.cli"]
