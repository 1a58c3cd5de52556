"""A real control plane as local processes: etcd, kube-apiserver, kube-controller-manager on loopback.

No containers: the binaries come from `pinniped.testing.binaries`. Aggregated API backends and webhooks
run as host processes and are reached through ExternalName Services (`localhost`).
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Final

from pinniped.testing.binaries import Binaries
from pinniped.testing.clusters.base import ClusterStartError, SigningKeyPair, run_kubectl
from pinniped.testing.clusters.pki import LocalPKI, generate
from pinniped.testing.kubeconfig import write_kubeconfig
from pinniped.testing.ports import free_port
from pinniped.testing.processes import ManagedProcess

CAPABILITIES: Final = frozenset(
    {
        "anonymousAuthenticationSupported",
        "clusterSigningKeyIsAvailable",
        "csrSigningAvailable",
        "hostProcessBackends",
        "tokenWebhookConfigurable",
        "localControlPlane",
    }
)
READY_TIMEOUT: Final = 120.0

Progress = Callable[[str], None]


class LocalCluster:
    """Start with `LocalCluster.start(binaries)`; `stop()` kills every process group and the work dir."""

    name = "local"
    capabilities = CAPABILITIES

    def __init__(self, binaries: Binaries, workdir: Path, progress: Progress) -> None:
        self._binaries = binaries
        self.workdir = workdir
        self._progress = progress
        self._started = time.monotonic()
        self.pki: LocalPKI = generate(workdir / "pki")
        self.processes: dict[str, ManagedProcess] = {}
        self._etcd_port = free_port()
        self.port = free_port()
        self.server = f"https://127.0.0.1:{self.port}"
        self.ca_pem = self.pki.serving_ca.read_bytes()
        self.kubectl_path = binaries.path("kubectl")
        self.kubeconfig = write_kubeconfig(
            workdir / "admin.kubeconfig",
            self.server,
            self.ca_pem,
            cert_pem=self.pki.path("admin.crt").read_bytes(),
            key_pem=self.pki.path("admin.key").read_bytes(),
        )
        self._webhook_kubeconfig: Path | None = None

    @classmethod
    def start(cls, binaries: Binaries, progress: Progress, workdir: Path | None = None) -> LocalCluster:
        workdir = workdir or Path(tempfile.mkdtemp(prefix="pinniped-local-cluster-"))
        cluster = cls(binaries, workdir, progress)
        try:
            cluster._start_etcd()
            cluster._start_apiserver()
            cluster._start_controller_manager()
        except BaseException:
            cluster.stop()
            raise
        cluster._step(f"cluster ready at {cluster.server}")
        return cluster

    # -- the Cluster protocol -------------------------------------------------------------

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return run_kubectl(self.kubectl_path, self.kubeconfig, args, input, check, timeout)

    def signing_key_pair(self) -> SigningKeyPair:
        return SigningKeyPair(self.pki.client_ca.read_bytes(), self.pki.client_ca_key.read_bytes())

    def configure_token_webhook(self, url: str, ca_pem: bytes) -> None:
        """Restart kube-apiserver with a v1 TokenReview webhook (the flag is read at start)."""
        ca_file = self.workdir / "token-webhook-ca.crt"
        ca_file.write_bytes(ca_pem)
        config = self.workdir / "token-webhook.kubeconfig"
        config.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: webhook\n  cluster:\n    server: {url}\n"
            f"    certificate-authority: {ca_file}\n"
            "users:\n- name: apiserver\n  user: {}\n"
            "contexts:\n- name: webhook\n  context: {cluster: webhook, user: apiserver}\n"
            "current-context: webhook\n"
        )
        self._webhook_kubeconfig = config
        self._step("restarting kube-apiserver with a token webhook")
        self.processes.pop("kube-apiserver").stop()
        self._start_apiserver()

    def stop(self) -> None:
        for name in ("kube-controller-manager", "kube-apiserver", "etcd"):
            process = self.processes.pop(name, None)
            if process is not None:
                process.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- start-up -------------------------------------------------------------------------

    def _step(self, message: str) -> None:
        self._progress(f"local cluster: {message} ({time.monotonic() - self._started:.1f}s)")

    def _launch(self, name: str, argv: list[str]) -> ManagedProcess:
        process = ManagedProcess(name, argv, self.workdir / "logs" / f"{name}.log")
        self.processes[name] = process
        return process

    def _wait(self, process: ManagedProcess, probe: Callable[[], bool]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.exited() is not None:
                raise ClusterStartError(
                    f"{process.name} exited with code {process.exited()}; log tail:\n{process.tail()}"
                )
            if probe():
                return
            time.sleep(0.1)
        raise ClusterStartError(
            f"{process.name} not ready after {READY_TIMEOUT:.0f}s; log tail:\n{process.tail()}"
        )

    def _start_etcd(self) -> None:
        peer = free_port()
        client_url = f"http://127.0.0.1:{self._etcd_port}"
        peer_url = f"http://127.0.0.1:{peer}"
        process = self._launch(
            "etcd",
            [
                str(self._binaries.path("etcd")),
                "--name=default",
                f"--data-dir={self.workdir / 'etcd'}",
                f"--listen-client-urls={client_url}",
                f"--advertise-client-urls={client_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=default={peer_url}",
                "--unsafe-no-fsync=true",
                "--log-level=warn",
            ],
        )
        self._step("etcd starting")
        self._wait(process, lambda: _http_ok(f"{client_url}/health", None))
        self._step("etcd ready")

    def _apiserver_args(self) -> list[str]:
        pki = self.pki
        args = [
            str(self._binaries.path("kube-apiserver")),
            f"--etcd-servers=http://127.0.0.1:{self._etcd_port}",
            "--bind-address=127.0.0.1",
            f"--secure-port={self.port}",
            f"--cert-dir={self.workdir / 'apiserver-certs'}",
            f"--tls-cert-file={pki.path('apiserver.crt')}",
            f"--tls-private-key-file={pki.path('apiserver.key')}",
            f"--client-ca-file={pki.client_ca}",
            f"--service-account-issuer=https://127.0.0.1:{self.port}",
            f"--service-account-key-file={pki.path('sa.pub')}",
            f"--service-account-signing-key-file={pki.path('sa.key')}",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--disable-admission-plugins=ServiceAccount",
            "--endpoint-reconciler-type=none",
            "--anonymous-auth=true",
            "--authorization-mode=Node,RBAC",
            "--allow-privileged=true",
            # Aggregation: the front proxy presents this client cert; backends trust these headers.
            f"--requestheader-client-ca-file={pki.front_proxy_ca}",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-uid-headers=X-Remote-Uid",
            f"--proxy-client-cert-file={pki.path('front-proxy-client.crt')}",
            f"--proxy-client-key-file={pki.path('front-proxy-client.key')}",
            # Never --enable-aggregator-routing: it breaks ExternalName backends.
            "--enable-priority-and-fairness=false",
            "--profiling=false",
            "--v=1",
        ]
        if self._webhook_kubeconfig is not None:
            args += [
                f"--authentication-token-webhook-config-file={self._webhook_kubeconfig}",
                "--authentication-token-webhook-version=v1",
                "--authentication-token-webhook-cache-ttl=0s",
            ]
        return args

    def _start_apiserver(self) -> None:
        process = self._launch("kube-apiserver", self._apiserver_args())
        self._step("kube-apiserver starting")
        context = ssl.create_default_context(cafile=str(self.pki.serving_ca))
        context.load_cert_chain(self.pki.path("admin.crt"), self.pki.path("admin.key"))
        self._wait(process, lambda: _http_ok(f"{self.server}/readyz", context))
        self._step("kube-apiserver ready")

    def _start_controller_manager(self) -> None:
        if not self._binaries.has_controller_manager:
            self._step("no kube-controller-manager binary: CSRs will not be signed")
            return
        pki = self.pki
        kubeconfig = write_kubeconfig(
            self.workdir / "controller-manager.kubeconfig",
            self.server,
            self.ca_pem,
            cert_pem=pki.path("controller-manager.crt").read_bytes(),
            key_pem=pki.path("controller-manager.key").read_bytes(),
        )
        port = free_port()
        process = self._launch(
            "kube-controller-manager",
            [
                str(self._binaries.path("kube-controller-manager")),
                f"--kubeconfig={kubeconfig}",
                f"--authentication-kubeconfig={kubeconfig}",
                f"--authorization-kubeconfig={kubeconfig}",
                "--bind-address=127.0.0.1",
                f"--secure-port={port}",
                f"--cert-dir={self.workdir / 'controller-manager-certs'}",
                "--leader-elect=false",
                "--use-service-account-credentials=false",
                "--controllers=csrsigning,csrcleaner,namespace,clusterrole-aggregation",
                f"--cluster-signing-kube-apiserver-client-cert-file={pki.client_ca}",
                f"--cluster-signing-kube-apiserver-client-key-file={pki.client_ca_key}",
                f"--root-ca-file={pki.serving_ca}",
                f"--service-account-private-key-file={pki.path('sa.key')}",
                "--v=1",
            ],
        )
        self._step("kube-controller-manager starting")
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        self._wait(process, lambda: _http_ok(f"https://127.0.0.1:{port}/healthz", insecure))
        self._step("kube-controller-manager ready")


def _http_ok(url: str, context: ssl.SSLContext | None) -> bool:
    with (
        contextlib.suppress(urllib.error.URLError, OSError, ValueError),
        urllib.request.urlopen(url, timeout=2, context=context) as response,  # noqa: S310
    ):
        return bool(response.status == 200)
    return False
