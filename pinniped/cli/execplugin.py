"""Running a kubeconfig's exec credential plugin the way kubectl does (for `pinniped whoami`)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pinniped.api.execcredential import EXEC_INFO_ENV, SUPPORTED_VERSIONS, ExecCredentialStatus
from pinniped.cli.errors import CLIError
from pinniped.cli.kubeconfigs import KubeconfigContext

_CLUSTER_PASSTHROUGH = ("server", "tls-server-name", "insecure-skip-tls-verify", "proxy-url")
_EXEC_EXTENSION = "client.authentication.k8s.io/exec"


def exec_info(kube: KubeconfigContext, exec_stanza: Mapping[str, Any]) -> dict[str, Any]:
    """The KUBERNETES_EXEC_INFO document, with the cluster when provideClusterInfo is set."""
    spec: dict[str, Any] = {"interactive": False}
    if exec_stanza.get("provideClusterInfo"):
        cluster = {name: kube.cluster[name] for name in _CLUSTER_PASSTHROUGH if kube.cluster.get(name)}
        ca_pem = kube.ca_pem()
        if ca_pem:
            cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
        for extension in kube.cluster.get("extensions") or []:
            if isinstance(extension, dict) and extension.get("name") == _EXEC_EXTENSION:
                cluster["config"] = extension.get("extension")
        spec["cluster"] = cluster
    return {"kind": "ExecCredential", "apiVersion": exec_stanza.get("apiVersion"), "spec": spec}


def run_exec_plugin(
    kube: KubeconfigContext, env: Mapping[str, str], timeout: float | None
) -> ExecCredentialStatus:
    """Run the user's exec plugin and return the ExecCredential status it printed."""
    stanza = kube.user.get("exec") or {}
    command = str(stanza.get("command") or "")
    api_version = stanza.get("apiVersion")
    if not command:
        raise CLIError("invalid kubeconfig: exec plugin has no command")
    if api_version not in SUPPORTED_VERSIONS:
        raise CLIError(f"invalid kubeconfig: exec plugin apiVersion {api_version!r} is not supported")
    if os.sep in command and not os.path.isabs(command):
        command = str(Path(kube.user_dir) / command)
    child_env = dict(env)
    for item in stanza.get("env") or []:
        child_env[str(item.get("name"))] = str(item.get("value"))
    child_env[EXEC_INFO_ENV] = json.dumps(exec_info(kube, stanza))
    argv = [command, *(str(arg) for arg in stanza.get("args") or [])]
    try:
        result = subprocess.run(
            argv, env=child_env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        hint = stanza.get("installHint") if isinstance(err, FileNotFoundError) else None
        raise CLIError(f'exec plugin "{command}" could not run: {hint or err}') from None
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        detail = f": {lines[-1]}" if lines else ""
        raise CLIError(f'exec plugin "{command}" failed with exit status {result.returncode}{detail}')
    return _parse_output(result.stdout, api_version, command)


def _parse_output(stdout: str, api_version: str, command: str) -> ExecCredentialStatus:
    try:
        document = json.loads(stdout)
    except ValueError:
        raise CLIError(f'exec plugin "{command}" printed something that is not JSON') from None
    if not isinstance(document, dict) or document.get("kind") != "ExecCredential":
        raise CLIError(f'exec plugin "{command}" did not print an ExecCredential')
    if document.get("apiVersion") != api_version:
        raise CLIError(
            f'exec plugin "{command}" answered in {document.get("apiVersion")!r}, '
            f"not the requested {api_version!r}"
        )
    status = document.get("status")
    if not isinstance(status, dict) or not (
        status.get("token") or (status.get("clientCertificateData") and status.get("clientKeyData"))
    ):
        raise CLIError(f'exec plugin "{command}" returned no token and no client certificate')
    return status  # type: ignore[return-value]
