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
"""

from pinniped.client.concierge import Authenticator, ConciergeClient
from pinniped.client.credential import ClusterCredential
from pinniped.client.errors import (
    ConciergeError,
    ConciergeRequestFailed,
    InvalidConciergeParameters,
    LoginFailed,
)

__all__ = [
    "Authenticator",
    "ClusterCredential",
    "ConciergeClient",
    "ConciergeError",
    "ConciergeRequestFailed",
    "InvalidConciergeParameters",
    "LoginFailed",
]
