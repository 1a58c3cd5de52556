"""Run local-user-authenticator as a real process against a test cluster, and manage its users.

The server runs on the host (127.0.0.1), talks to the cluster with the given kubeconfig, and
is stopped with its whole process group when the context exits.
"""

from __future__ import annotations

import base64
import contextlib
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pinniped.testing.processes import ManagedProcess, wait_until_ready

NAMESPACE: Final = "local-user-authenticator"
TLS_SECRET_NAME: Final = "local-user-authenticator-tls-serving-certificate"
READY_TIMEOUT: Final = 30.0
CLI_TIMEOUT: Final = 60.0


@dataclass(frozen=True)
class RunningWebhook:
    url: str
    """https://127.0.0.1:<port>/authenticate"""
    ca_pem: bytes
    """The CA from the serving Secret; it verifies `url` (the certificate has SAN 127.0.0.1)."""
    namespace: str
    process: ManagedProcess


@contextlib.contextmanager
def run_local_user_authenticator(
    kubeconfig: Path,
    port: int,
    log_path: Path,
    namespace: str = NAMESPACE,
    timeout: float = READY_TIMEOUT,
) -> Iterator[RunningWebhook]:
    """Start `local-user-authenticator serve` and wait (bounded) until it answers over TLS."""
    ensure_namespace(kubeconfig, namespace)
    argv = [
        sys.executable, "-m", "pinniped.localuser", "serve",
        "--kubeconfig", str(kubeconfig),
        "--namespace", namespace,
        "--listen-address", "127.0.0.1",
        "--port", str(port),
        "--tls-host", "localhost",
        "--tls-host", "127.0.0.1",
    ]  # fmt: skip
    process = ManagedProcess("local-user-authenticator", argv, log_path)
    try:
        url = f"https://127.0.0.1:{port}/authenticate"
        ca_pem = _wait_until_serving(kubeconfig, namespace, url, process, timeout)
        yield RunningWebhook(url, ca_pem, namespace, process)
    finally:
        process.stop()


def add_user(
    kubeconfig: Path,
    name: str,
    password: str,
    groups: Sequence[str] = (),
    namespace: str = NAMESPACE,
) -> subprocess.CompletedProcess[str]:
    """`local-user-authenticator add-user`, the password fed on stdin (never in argv)."""
    ensure_namespace(kubeconfig, namespace)
    args = ["add-user", name, "--groups", ",".join(groups)]
    return _cli(kubeconfig, namespace, args, stdin=password + "\n")


def remove_user(kubeconfig: Path, name: str, namespace: str = NAMESPACE) -> subprocess.CompletedProcess[str]:
    return _cli(kubeconfig, namespace, ["remove-user", name])


def serving_ca(kubeconfig: Path, namespace: str = NAMESPACE) -> bytes | None:
    """caCertificate of the serving Secret, None while it does not exist."""
    secret = _read_secret(kubeconfig, namespace, TLS_SECRET_NAME)
    if secret is None or not secret.data or "caCertificate" not in secret.data:
        return None
    return base64.b64decode(secret.data["caCertificate"])


def ensure_namespace(kubeconfig: Path, namespace: str) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    with _api_client(kubeconfig) as api:
        body = client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace))
        try:
            client.CoreV1Api(api).create_namespace(body)
        except ApiException as error:
            if error.status != 409:
                raise


def _cli(
    kubeconfig: Path, namespace: str, args: list[str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "pinniped.localuser", *args]
    argv += ["--kubeconfig", str(kubeconfig), "--namespace", namespace]
    result = subprocess.run(
        argv, input=stdin, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"local-user-authenticator {args[0]} failed: {result.stderr.strip()}")
    return result


def _wait_until_serving(
    kubeconfig: Path, namespace: str, url: str, process: ManagedProcess, timeout: float
) -> bytes:
    """The serving CA, once the Secret holds it and the server answers `url` with it."""
    found: list[bytes] = []

    def serving() -> bool:
        if not found and (ca_pem := serving_ca(kubeconfig, namespace)) is not None:
            found.append(ca_pem)
        return bool(found) and _answers(url, found[0])

    wait_until_ready(process, serving, timeout, f"serve {url}")
    return found[0]


def _answers(url: str, ca_pem: bytes) -> bool:
    """Any HTTP answer over verified TLS counts (GET gets 405)."""
    context = ssl.create_default_context(cadata=ca_pem.decode())
    try:
        with urllib.request.urlopen(url, context=context, timeout=2):  # noqa: S310 (https only)
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ssl.SSLError):
        return False


def _read_secret(kubeconfig: Path, namespace: str, name: str) -> Any:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    with _api_client(kubeconfig) as api:
        try:
            return client.CoreV1Api(api).read_namespaced_secret(name, namespace)
        except ApiException as error:
            if error.status == 404:
                return None
            raise


@contextlib.contextmanager
def _api_client(kubeconfig: Path) -> Iterator[Any]:
    from kubernetes import config

    api = config.new_client_from_config(config_file=str(kubeconfig))  # type: ignore[no-untyped-call]
    try:
        yield api
    finally:
        api.close()
