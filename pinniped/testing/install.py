"""Install pinniped-py on a cluster for the suites, and describe it with the test contract.

Local provider: the Concierge and local-user-authenticator run as host processes; kube-apiserver reaches
the Concierge through an ExternalName Service. kind: both run in-cluster from an image built with Docker.
Either way the result is a `TestEnv`, the same contract another implementation would hand the suites.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from pinniped.api.groups import ConciergeGroups
from pinniped.deploy.concierge import render_concierge
from pinniped.deploy.params import DeployParams
from pinniped.testing.aggregation import wait_available
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.concierge import RunningConcierge, run_concierge
from pinniped.testing.env import TestEnv
from pinniped.testing.localuser import add_user, run_local_user_authenticator
from pinniped.testing.ports import free_port

AUTHENTICATOR_NAME: Final = "local-user-authenticator"
TEST_USER: Final = "pinny"
TEST_GROUPS: Final = ("seals", "pinniped-users")

Progress = Callable[[str], None]


def apply(cluster: Cluster, manifests: list[dict[str, Any]]) -> None:
    payload = json.dumps({"apiVersion": "v1", "kind": "List", "items": manifests})
    cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", input=payload)


def wait_authenticator_ready(cluster: Cluster, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    phase = ""
    while time.monotonic() < deadline:
        result = cluster.kubectl(
            "get", "webhookauthenticator", name, "-o", "jsonpath={.status.phase}", check=False
        )
        phase = result.stdout.strip()
        if phase == "Ready":
            return
        time.sleep(0.2)
    raise TimeoutError(f"WebhookAuthenticator {name} is not Ready after {timeout:.0f}s (phase {phase!r})")


def wait_credential_issuer_ready(cluster: Cluster, timeout: float = 60) -> None:
    """The Concierge's controllers have published a successful strategy (what `get kubeconfig` reads)."""
    deadline = time.monotonic() + timeout
    statuses = ""
    while time.monotonic() < deadline:
        result = cluster.kubectl(
            "get", "credentialissuers", "-o", "jsonpath={.items[*].status.strategies[*].status}", check=False
        )
        statuses = result.stdout.strip()
        if "Success" in statuses.split():
            return
        time.sleep(0.2)
    raise TimeoutError(f"no CredentialIssuer strategy succeeded after {timeout:.0f}s (statuses {statuses!r})")


def create_webhook_authenticator(cluster: Cluster, name: str, endpoint: str, ca_pem: bytes) -> None:
    apply(
        cluster,
        [
            {
                "apiVersion": "authentication.concierge.pinniped.dev/v1alpha1",
                "kind": "WebhookAuthenticator",
                "metadata": {"name": name},
                "spec": {
                    "endpoint": endpoint,
                    "tls": {"certificateAuthorityData": base64.b64encode(ca_pem).decode()},
                },
            }
        ],
    )


def _step_printer(progress: Progress) -> Progress:
    started = time.monotonic()

    def step(message: str) -> None:
        progress(f"install: {message} ({time.monotonic() - started:.1f}s)")

    return step


@contextlib.contextmanager
def run_local_concierge(
    cluster: Cluster,
    workdir: Path,
    progress: Progress,
    signer: str = "cluster-signing",
    extra_args: Sequence[str] = (),
) -> Iterator[RunningConcierge]:
    """Apply CRDs, RBAC and APIServices; run the Concierge as a host process until it is Available."""
    step = _step_printer(progress)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    params = DeployParams(local_port=port)
    manifests = render_concierge(params)
    apply(cluster, manifests)
    crds = [f"crd/{m['metadata']['name']}" for m in manifests if m["kind"] == "CustomResourceDefinition"]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *crds)
    step("CRDs, RBAC and APIServices applied")

    signing_files = None
    pair = cluster.signing_key_pair()
    if signer == "cluster-signing" and pair is not None:
        signing_files = (workdir / "cluster-ca.crt", workdir / "cluster-ca.key")
        signing_files[0].write_bytes(pair.cert_pem)
        signing_files[1].write_bytes(pair.key_pem)
        signing_files[1].chmod(0o600)
    else:
        signer = "csr"
    try:
        with run_concierge(
            cluster.kubeconfig, port, workdir / "concierge.log", signer, signing_files, extra_args=extra_args
        ) as running:
            groups = ConciergeGroups(params.api_group_suffix)
            for group in (groups.login, groups.identity):
                wait_available(cluster, group, "v1alpha1", wait_seconds=60)
            step(f"Concierge available through kube-apiserver (signer {signer})")
            yield running
    finally:
        for manifest in manifests:
            if manifest["kind"] == "APIService":
                cluster.kubectl("delete", "apiservice", manifest["metadata"]["name"], check=False)


@contextlib.contextmanager
def install_local(
    cluster: Cluster, workdir: Path, progress: Progress, signer: str = "cluster-signing"
) -> Iterator[TestEnv]:
    """Host processes on loopback; stops them (and removes the APIServices) on exit."""
    step = _step_printer(progress)
    password = secrets.token_urlsafe(24)
    workdir.mkdir(parents=True, exist_ok=True)
    with run_local_user_authenticator(
        cluster.kubeconfig, free_port(), workdir / "local-user-authenticator.log"
    ) as webhook:
        step(f"local-user-authenticator serving at {webhook.url}")
        added = add_user(cluster.kubeconfig, TEST_USER, password, TEST_GROUPS)
        if added.returncode != 0:
            raise RuntimeError(f"add-user failed: {added.stderr.strip()}")
        step(f"user {TEST_USER!r} created in groups {', '.join(TEST_GROUPS)}")
        with run_local_concierge(cluster, workdir, progress, signer):
            create_webhook_authenticator(cluster, AUTHENTICATOR_NAME, webhook.url, webhook.ca_pem)
            wait_authenticator_ready(cluster, AUTHENTICATOR_NAME)
            step(f"WebhookAuthenticator {AUTHENTICATOR_NAME!r} Ready")
            wait_credential_issuer_ready(cluster)
            step("CredentialIssuer reports a successful strategy")
            yield TestEnv(
                concierge_namespace=DeployParams().namespace,
                api_group_suffix=DeployParams().api_group_suffix,
                authenticator_type="webhook",
                authenticator_name=AUTHENTICATOR_NAME,
                webhook_endpoint=webhook.url,
                webhook_ca_bundle=base64.b64encode(webhook.ca_pem).decode(),
                user_username=TEST_USER,
                user_groups=TEST_GROUPS,
                user_token=f"{TEST_USER}:{password}",
                concierge_log=workdir / "concierge.log",
            )


@contextlib.contextmanager
def install_in_cluster(cluster: Cluster, workdir: Path, progress: Progress) -> Iterator[TestEnv]:
    """kind: build the image with Docker, load it, deploy both servers in-cluster."""
    from pinniped.localuser.manifests import render as render_local_user_authenticator

    image = f"pinniped-py:e2e-{uuid.uuid4().hex[:8]}"
    root = Path(__file__).resolve().parents[2]
    progress(f"install: building image {image}")
    subprocess.run(
        ["docker", "build", "-t", image, "-f", str(root / "hack" / "Dockerfile"), str(root)], check=True
    )
    load_image = getattr(cluster, "load_image", None)
    if load_image is None:
        raise RuntimeError("this provider cannot load images")
    load_image(image)
    apply(cluster, render_local_user_authenticator(image))
    cluster.kubectl(
        "rollout", "status", "deployment/local-user-authenticator", "-n", "local-user-authenticator",
        "--timeout=180s",
    )  # fmt: skip
    params = DeployParams(image=image)
    apply(cluster, render_concierge(params))
    cluster.kubectl(
        "rollout", "status", f"deployment/{params.app_name}", "-n", params.namespace, "--timeout=180s"
    )
    groups = ConciergeGroups(params.api_group_suffix)
    for group in (groups.login, groups.identity):
        wait_available(cluster, group, "v1alpha1", wait_seconds=120)
    ca_b64 = cluster.kubectl(
        "get", "secret", "local-user-authenticator-tls-serving-certificate", "-n", "local-user-authenticator",
        "-o", "jsonpath={.data.caCertificate}",
    ).stdout  # fmt: skip
    endpoint = "https://local-user-authenticator.local-user-authenticator.svc/authenticate"
    create_webhook_authenticator(cluster, AUTHENTICATOR_NAME, endpoint, base64.b64decode(ca_b64))
    wait_authenticator_ready(cluster, AUTHENTICATOR_NAME)
    wait_credential_issuer_ready(cluster, timeout=120)
    password = secrets.token_urlsafe(24)
    added = add_user(cluster.kubeconfig, TEST_USER, password, TEST_GROUPS)
    if added.returncode != 0:
        raise RuntimeError(f"add-user failed: {added.stderr.strip()}")
    yield TestEnv(
        concierge_namespace=params.namespace,
        api_group_suffix=params.api_group_suffix,
        authenticator_type="webhook",
        authenticator_name=AUTHENTICATOR_NAME,
        webhook_endpoint=endpoint,
        webhook_ca_bundle=ca_b64,
        user_username=TEST_USER,
        user_groups=TEST_GROUPS,
        user_token=f"{TEST_USER}:{password}",
    )
