"""A kind cluster (needs Docker or Podman), driven through pytest-kind's KindCluster.

kind and kubectl come from PATH (or PINNIPED_KIND / PINNIPED_KUBECTL): nothing is downloaded.
Backends run in-cluster there (the node container's `localhost` is not this host), so this
provider declares `inClusterBackends` rather than `hostProcessBackends`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Final

from pinniped.testing.clusters.base import ClusterStartError, SigningKeyPair, run_kubectl

CONFIG: Final = Path(__file__).resolve().parents[3] / "hack" / "kind-config.yaml"
CAPABILITIES: Final = frozenset(
    {
        "anonymousAuthenticationSupported",
        "clusterSigningKeyIsAvailable",
        "csrSigningAvailable",
        "inClusterBackends",
    }
)


def docker_available() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        result = subprocess.run([docker, "info"], capture_output=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


class KindProviderCluster:
    capabilities = CAPABILITIES

    def __init__(self, name: str, workdir: Path, keep: bool = False) -> None:
        from pytest_kind import KindCluster

        kind = os.environ.get("PINNIPED_KIND") or shutil.which("kind")
        kubectl = os.environ.get("PINNIPED_KUBECTL") or shutil.which("kubectl")
        if not kind or not kubectl:
            raise ClusterStartError("the kind provider needs `kind` and `kubectl` on PATH")
        if not docker_available():
            raise ClusterStartError("the kind provider needs a running Docker engine (`docker info` failed)")
        self.name = name
        self._keep = keep
        self.kubectl_path = Path(kubectl)
        self._kind = KindCluster(
            name,
            kubeconfig=workdir / "kubeconfig",
            kind_path=Path(kind),
            kubectl_path=self.kubectl_path,
        )
        self.kubeconfig: Path = self._kind.kubeconfig_path
        self.server = ""
        self.ca_pem = b""

    @classmethod
    def start(cls, name: str, workdir: Path, keep: bool = False) -> KindProviderCluster:
        cluster = cls(name, workdir, keep)
        try:
            cluster._kind.create(CONFIG)
        except Exception as error:
            raise ClusterStartError(f"kind create cluster failed: {error}") from error
        server = cluster.kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
        cluster.server = server.stdout.strip()
        cluster.ca_pem = cluster._node_file("/etc/kubernetes/pki/ca.crt")
        return cluster

    def _node_file(self, path: str) -> bytes:
        result = subprocess.run(
            ["docker", "exec", f"{self.name}-control-plane", "cat", path],
            capture_output=True,
            check=True,
        )
        return result.stdout

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return run_kubectl(self.kubectl_path, self.kubeconfig, args, input, check, timeout)

    def signing_key_pair(self) -> SigningKeyPair:
        return SigningKeyPair(
            self._node_file("/etc/kubernetes/pki/ca.crt"),
            self._node_file("/etc/kubernetes/pki/ca.key"),
        )

    def load_image(self, image: str) -> None:
        self._kind.load_docker_image(image)

    def configure_token_webhook(self, url: str, ca_pem: bytes) -> None:
        raise NotImplementedError("kind reads token-webhook flags at creation only")

    def stop(self) -> None:
        if not self._keep:
            self._kind.delete()
