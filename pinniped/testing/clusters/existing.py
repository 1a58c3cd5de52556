"""Any cluster already running, reached through a kubeconfig; what it supports comes from a file."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from pinniped.testing.clusters.base import ClusterStartError, SigningKeyPair, run_kubectl


def read_capabilities(environ: dict[str, str] | os._Environ[str] = os.environ) -> frozenset[str]:
    """`PINNIPED_TEST_CLUSTER_CAPABILITY_FILE` (a path) or `..._YAML` (inline): `name: true|false`."""
    text = environ.get("PINNIPED_TEST_CLUSTER_CAPABILITY_YAML")
    path = environ.get("PINNIPED_TEST_CLUSTER_CAPABILITY_FILE")
    if text is None and path:
        text = Path(path).read_text()
    if not text:
        return frozenset()
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ClusterStartError("the cluster capability file must be a mapping of name: true|false")
    return frozenset(str(name) for name, enabled in data.items() if enabled is True)


class ExistingCluster:
    name = "existing"

    def __init__(self, kubeconfig: Path, kubectl_path: Path, capabilities: frozenset[str]) -> None:
        self.kubeconfig = kubeconfig
        self.kubectl_path = kubectl_path
        self.capabilities = capabilities
        config = yaml.safe_load(kubeconfig.read_text())
        context_name = config.get("current-context")
        context = next(c["context"] for c in config["contexts"] if c["name"] == context_name)
        cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
        self.server: str = cluster["server"]
        if "certificate-authority-data" in cluster:
            self.ca_pem = base64.b64decode(cluster["certificate-authority-data"])
        elif "certificate-authority" in cluster:
            self.ca_pem = Path(cluster["certificate-authority"]).read_bytes()
        else:
            self.ca_pem = b""

    @classmethod
    def from_environment(cls) -> ExistingCluster:
        kubeconfig = os.environ.get("PINNIPED_TEST_KUBECONFIG") or os.environ.get("KUBECONFIG")
        if not kubeconfig:
            raise ClusterStartError(
                "the existing provider needs PINNIPED_TEST_KUBECONFIG (or KUBECONFIG) to name a kubeconfig"
            )
        kubectl = os.environ.get("PINNIPED_KUBECTL") or shutil.which("kubectl")
        if not kubectl:
            raise ClusterStartError("the existing provider needs kubectl on PATH (or PINNIPED_KUBECTL)")
        return cls(Path(kubeconfig), Path(kubectl), read_capabilities())

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return run_kubectl(self.kubectl_path, self.kubeconfig, args, input, check, timeout)

    def signing_key_pair(self) -> SigningKeyPair | None:
        cert = os.environ.get("PINNIPED_TEST_CLUSTER_SIGNING_CERT_FILE")
        key = os.environ.get("PINNIPED_TEST_CLUSTER_SIGNING_KEY_FILE")
        if cert and key:
            return SigningKeyPair(Path(cert).read_bytes(), Path(key).read_bytes())
        return None

    def configure_token_webhook(self, url: str, ca_pem: bytes) -> None:
        raise NotImplementedError("an existing cluster's token webhook is configured by its owner")

    def stop(self) -> None:
        """Nothing to stop: the cluster is not ours."""
