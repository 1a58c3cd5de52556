"""Writing kubeconfig files for test users."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def write_kubeconfig(
    path: Path,
    server: str,
    ca_pem: bytes,
    name: str = "pinniped-local",
    cert_pem: bytes | None = None,
    key_pem: bytes | None = None,
    token: str | None = None,
) -> Path:
    """A one-cluster kubeconfig (JSON, which kubectl and YAML readers both accept), mode 0600."""
    user: dict[str, str] = {}
    if cert_pem is not None and key_pem is not None:
        user["client-certificate-data"] = _b64(cert_pem)
        user["client-key-data"] = _b64(key_pem)
    if token is not None:
        user["token"] = token
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {"server": server, "certificate-authority-data": _b64(ca_pem)},
            }
        ],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "preferences": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n")
    path.chmod(0o600)
    return path


def write_credential_kubeconfig(
    path: Path, server: str, ca_pem: bytes, credential: Mapping[str, Any]
) -> Path:
    """A kubeconfig holding the client certificate and key of a TokenCredentialRequest's credential."""
    return write_kubeconfig(
        path,
        server,
        ca_pem,
        cert_pem=credential["clientCertificateData"].encode(),
        key_pem=credential["clientKeyData"].encode(),
    )
