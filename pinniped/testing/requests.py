"""Raw HTTP against kube-apiserver or a Concierge, as an anonymous client (no credentials at all)."""

from __future__ import annotations

import json
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pinniped.api.groups import AUTHENTICATOR_KINDS, ConciergeGroups
from pinniped.testing.clusters.base import Cluster


def anonymous_post(
    base: str, ca_pem: bytes | None, path: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST JSON; returns (status, decoded body). `ca_pem=None` skips verification."""
    if ca_pem is None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context = ssl.create_default_context(cadata=ca_pem.decode())
    data = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310
        base + path, data, {"Content-Type": "application/json", **(headers or {})}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def token_credential_request(
    token: str, authenticator_name: str, authenticator_type: str = "webhook", suffix: str = "pinniped.dev"
) -> dict[str, Any]:
    groups = ConciergeGroups(suffix)
    return {
        "apiVersion": groups.api_version(groups.login),
        "kind": "TokenCredentialRequest",
        "spec": {
            "token": token,
            "authenticator": {
                "apiGroup": groups.authentication,
                "kind": AUTHENTICATOR_KINDS[authenticator_type],
                "name": authenticator_name,
            },
        },
    }


def token_credential_requests_path(suffix: str = "pinniped.dev") -> str:
    return f"/apis/{ConciergeGroups(suffix).login}/v1alpha1/tokencredentialrequests"


def kubectl_as(cluster: Cluster, kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """kubectl with another user's kubeconfig (not the admin's)."""
    return subprocess.run(
        [str(cluster.kubectl_path), "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
