"""Where the API server is and how to authenticate to it: from a kubeconfig or in-cluster files."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Final

SERVICE_ACCOUNT_DIR: Final = Path("/var/run/secrets/kubernetes.io/serviceaccount")


@dataclass(frozen=True)
class KubeSettings:
    """Connection settings; file paths, so an SSLContext can be built from them."""

    server: str
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    token: str | None = None
    verify: bool = True

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert_file and self.key_file:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context


def from_kubeconfig(path: str | os.PathLike[str] | None = None, context: str | None = None) -> KubeSettings:
    """Read a kubeconfig with the `kubernetes` library's loader (exec plugins and inline data included)."""
    from kubernetes import client, config

    configuration = client.Configuration()
    config.load_kube_config(  # type: ignore[no-untyped-call]
        config_file=None if path is None else os.fspath(path),
        context=context,
        client_configuration=configuration,
        persist_config=False,
    )
    authorization = configuration.api_key.get("authorization") if configuration.api_key else None
    token = None
    if authorization and authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ")
    return KubeSettings(
        server=configuration.host,
        ca_file=configuration.ssl_ca_cert,
        cert_file=configuration.cert_file,
        key_file=configuration.key_file,
        token=token,
        verify=bool(configuration.verify_ssl),
    )


def in_cluster() -> KubeSettings:
    host = os.environ["KUBERNETES_SERVICE_HOST"]
    port = os.environ["KUBERNETES_SERVICE_PORT"]
    return KubeSettings(
        server=f"https://{host}:{port}",
        ca_file=str(SERVICE_ACCOUNT_DIR / "ca.crt"),
        token=(SERVICE_ACCOUNT_DIR / "token").read_text().strip(),
    )


def load(kubeconfig: str | None) -> KubeSettings:
    """A kubeconfig when named (or $KUBECONFIG is set), else in-cluster, else ~/.kube/config."""
    if kubeconfig:
        return from_kubeconfig(kubeconfig)
    if os.environ.get("KUBECONFIG"):
        return from_kubeconfig(os.environ["KUBECONFIG"])
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return in_cluster()
    return from_kubeconfig(None)
