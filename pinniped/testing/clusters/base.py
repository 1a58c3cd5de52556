"""The interface every cluster provider offers to the suites."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class ClusterStartError(RuntimeError):
    """The chosen provider could not start a cluster; the run fails with this reason."""


@dataclass(frozen=True)
class SigningKeyPair:
    """The cluster's client CA (what kube-apiserver trusts for x509 client certs), PEM."""

    cert_pem: bytes
    key_pem: bytes


class Cluster(Protocol):
    """A running cluster the suites can use through kubectl and an admin kubeconfig."""

    name: str
    kubeconfig: Path
    """Admin kubeconfig (system:masters)."""
    server: str
    """kube-apiserver URL as clients reach it."""
    ca_pem: bytes
    """CA bundle that verifies kube-apiserver's serving certificate."""
    capabilities: frozenset[str]
    """What this cluster supports, e.g. "clusterSigningKeyIsAvailable", "hostProcessBackends"."""
    kubectl_path: Path

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]: ...

    def signing_key_pair(self) -> SigningKeyPair | None:
        """The client CA's certificate and key, where the provider can hand them out."""
        ...

    def configure_token_webhook(self, url: str, ca_pem: bytes) -> None:
        """Make kube-apiserver authenticate bearer tokens through a TokenReview (v1) webhook."""
        ...

    def stop(self) -> None: ...


def run_kubectl(
    kubectl_path: Path,
    kubeconfig: Path,
    args: tuple[str, ...],
    input: str | None = None,
    check: bool = True,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """kubectl with the cluster's admin kubeconfig; CalledProcessError (with stderr) when check fails."""
    result = subprocess.run(
        [str(kubectl_path), "--kubeconfig", str(kubeconfig), *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, ["kubectl", *args], result.stdout, result.stderr
        )
    return result
