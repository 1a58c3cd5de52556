"""A typed, standard-library-only client for the Pinniped Concierge's credential exchange.

    from pinniped.client import Authenticator, ConciergeClient

    client = ConciergeClient(
        "https://kube.example.com:6443",
        ca_bundle=ca_pem_bytes,
        authenticator=Authenticator("webhook", "local-user-authenticator"),
    )
    credential = client.exchange_token("pinny:password123")  # ClusterCredential

Errors are subclasses of `ConciergeError`: `InvalidConciergeParameters`, `LoginFailed`,
`ConciergeRequestFailed`.

The names are loaded on first use, so that importing one submodule (as kubectl's exec plugin does
on every call) does not pay for the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pinniped.client.concierge import Authenticator, ConciergeClient
    from pinniped.client.credential import ClusterCredential
    from pinniped.client.errors import (
        ConciergeError,
        ConciergeRequestFailed,
        InvalidConciergeParameters,
        LoginFailed,
    )

_HOMES = {
    "Authenticator": "pinniped.client.concierge",
    "ConciergeClient": "pinniped.client.concierge",
    "ClusterCredential": "pinniped.client.credential",
    "ConciergeError": "pinniped.client.errors",
    "ConciergeRequestFailed": "pinniped.client.errors",
    "InvalidConciergeParameters": "pinniped.client.errors",
    "LoginFailed": "pinniped.client.errors",
}

__all__ = [
    "Authenticator",
    "ClusterCredential",
    "ConciergeClient",
    "ConciergeError",
    "ConciergeRequestFailed",
    "InvalidConciergeParameters",
    "LoginFailed",
]


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
