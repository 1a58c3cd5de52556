"""Run the Concierge as a real host process against a test cluster.

The process listens on 127.0.0.1:<port> with the admin kubeconfig; it is stopped with its whole
process group when the context exits. Until its serving certificate exists it presents a
throwaway one, so readiness is checked with verification off and `/healthz` only.
"""

from __future__ import annotations

import contextlib
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pinniped.testing.processes import ManagedProcess, wait_until_ready

READY_TIMEOUT: Final = 30.0


@dataclass(frozen=True)
class RunningConcierge:
    url: str
    """https://127.0.0.1:<port>"""
    port: int
    namespace: str
    process: ManagedProcess


@contextlib.contextmanager
def run_concierge(
    kubeconfig: Path,
    port: int,
    log_path: Path,
    signer: str = "csr",
    signing_files: tuple[Path, Path] | None = None,
    namespace: str = "pinniped-concierge",
    extra_args: Sequence[str] = (),
    timeout: float = READY_TIMEOUT,
) -> Iterator[RunningConcierge]:
    argv = [
        sys.executable, "-m", "pinniped.concierge",
        "--kubeconfig", str(kubeconfig),
        "--listen-address", "127.0.0.1",
        "--port", str(port),
        "--namespace", namespace,
        "--signer", signer,
        "--log-level", "debug",
    ]  # fmt: skip
    if signing_files is not None:
        argv += ["--signing-cert-file", str(signing_files[0])]
        argv += ["--signing-key-file", str(signing_files[1])]
    argv += list(extra_args)
    process = ManagedProcess("pinniped-concierge", argv, log_path)
    try:
        url = f"https://127.0.0.1:{port}"
        wait_until_ready(process, lambda: _healthz_answers(url), timeout, "answer /healthz")
        yield RunningConcierge(url, port, namespace, process)
    finally:
        process.stop()


def _healthz_answers(url: str) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the serving certificate may not exist yet
    try:
        with urllib.request.urlopen(url + "/healthz", context=context, timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
