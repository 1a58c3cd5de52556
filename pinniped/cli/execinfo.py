"""What kubectl tells the plugin (KUBERNETES_EXEC_INFO) and what the plugin prints back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from pinniped.api.execcredential import (
    EXEC_INFO_ENV,
    SUPPORTED_VERSIONS,
    V1BETA1,
    ExecCredential,
    ExecCredentialStatus,
)


class ExecInfo(NamedTuple):
    """The apiVersion to answer in, and the cluster when provideClusterInfo is set."""

    api_version: str = V1BETA1
    cluster: Mapping[str, Any] | None = None


def read_exec_info(env: Mapping[str, str]) -> ExecInfo:
    """Parse KUBERNETES_EXEC_INFO; absent or unusable input means v1beta1 and no cluster."""
    raw = env.get(EXEC_INFO_ENV)
    if not raw:
        return ExecInfo()
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return ExecInfo()
    if not isinstance(document, dict) or document.get("kind") != "ExecCredential":
        return ExecInfo()
    version = document.get("apiVersion")
    api_version = version if version in SUPPORTED_VERSIONS else V1BETA1
    spec = document.get("spec")
    cluster = spec.get("cluster") if isinstance(spec, dict) else None
    return ExecInfo(api_version, cluster if isinstance(cluster, dict) else None)


def exec_credential_json(api_version: str, status: ExecCredentialStatus) -> str:
    """One compact JSON line, field order as upstream's CLI prints it."""
    credential: ExecCredential = {
        "kind": "ExecCredential",
        "apiVersion": api_version,
        "spec": {"interactive": False},
        "status": status,
    }
    return json.dumps(credential, separators=(",", ":")) + "\n"
