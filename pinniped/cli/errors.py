"""The one error type the CLI turns into a single `Error: ...` line on stderr and exit status 1."""

from __future__ import annotations


class CLIError(Exception):
    """A user-facing failure; the message is one line and never contains a secret."""
