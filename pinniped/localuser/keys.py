"""Typed application keys (the one place they are declared)."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from pinniped.localuser.authenticator import Authenticator

AUTHENTICATOR: Final = web.AppKey("authenticator", Authenticator)
MAX_BODY_BYTES: Final = web.AppKey("max_body_bytes", int)
