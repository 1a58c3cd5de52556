"""Typed errors of the Concierge client; every message is one line and never carries the token."""

from __future__ import annotations


class ConciergeError(Exception):
    """Base class: anything that stopped a credential exchange."""


class InvalidConciergeParameters(ConciergeError):
    """The client was built with an unusable endpoint, CA bundle or authenticator."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid Concierge parameters: {reason}")
        self.reason = reason


class LoginFailed(ConciergeError):
    """The Concierge answered, but refused the token (HTTP 201 without a credential)."""

    def __init__(self, message: str | None) -> None:
        super().__init__(f"login failed: {message or 'unknown cause'}")
        self.server_message = message


class ConciergeRequestFailed(ConciergeError):
    """The request did not complete: a transport error, or a non-2xx status from the server."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(f"could not login: {message}")
        self.status = status
