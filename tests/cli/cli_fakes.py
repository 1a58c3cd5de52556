"""A fake kube-apiserver with the Concierge's APIs, and kubeconfigs pointing at it."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml

from tests.client.fake_https import FakeServer

CONFIG = "/apis/config.concierge.pinniped.dev/v1alpha1/credentialissuers"
WEBHOOKS = "/apis/authentication.concierge.pinniped.dev/v1alpha1/webhookauthenticators"
JWTS = "/apis/authentication.concierge.pinniped.dev/v1alpha1/jwtauthenticators"
TCR = "/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests"
WHOAMI = "/apis/identity.concierge.pinniped.dev/v1alpha1/whoamirequests"
ADMIN_TOKEN = "admin-bearer-token"


def items(*objects: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, {"kind": "List", "items": list(objects)}


def named(name: str, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"name": name}, **extra}


def credential_issuer(name: str = "pinniped-concierge-config") -> dict[str, Any]:
    return named(
        name,
        status={
            "strategies": [
                {
                    "type": "KubeClusterSigningCertificate",
                    "status": "Success",
                    "reason": "FetchedKey",
                    "message": "key was fetched successfully",
                    "lastUpdateTime": "2030-01-01T00:00:00Z",
                    "frontend": {
                        "type": "TokenCredentialRequestAPI",
                        "tokenCredentialRequestInfo": {
                            "server": "https://elsewhere:443",
                            "certificateAuthorityData": "",
                        },
                    },
                }
            ]
        },
    )


def install_concierge(server: FakeServer, webhooks: int = 1, jwts: int = 0) -> None:
    server.routes["GET", CONFIG] = items(credential_issuer())
    server.routes["GET", WEBHOOKS] = items(*(named(f"webhook-{i}") for i in range(webhooks)))
    server.routes["GET", JWTS] = items(*(named(f"jwt-{i}") for i in range(jwts)))
    server.routes["POST", TCR] = (
        201,
        {"status": {"credential": {"expirationTimestamp": "2030-01-01T00:05:00Z"}}},
    )


def write_kubeconfig(path: Path, server: FakeServer, user: dict[str, Any]) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "kind-cluster",
                        "cluster": {
                            "server": server.url,
                            "certificate-authority-data": base64.b64encode(server.ca_pem).decode(),
                        },
                    }
                ],
                "contexts": [
                    {"name": "kind-context", "context": {"cluster": "kind-cluster", "user": "kind-user"}}
                ],
                "current-context": "kind-context",
                "users": [{"name": "kind-user", "user": user}],
            }
        )
    )
    return path
