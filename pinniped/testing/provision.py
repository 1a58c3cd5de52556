"""Provision an implementation the way an outsider would, then run a command against it.

    python -m pinniped.testing.provision [--env-file FILE] -- pytest integration e2e

Starts a local cluster, installs pinniped-py on it, and runs the command with only the test contract
in its environment (`PINNIPED_TEST_*`, the `existing` provider, an admin kubeconfig, a capabilities
YAML). The suites then see "some implementation on some cluster", exactly as they would see upstream
Pinniped; this is how the contract itself is tested. Everything stops when the command ends.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pinniped.testing.clusters.base import ClusterStartError
from pinniped.testing.clusters.provider import start_cluster
from pinniped.testing.install import install_local

# What an outside implementation on a plain cluster could promise; nothing about our processes.
CONTRACT_CAPABILITIES = "{anonymousAuthenticationSupported: true}"

STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f}s] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pinniped.testing.provision", description=__doc__)
    parser.add_argument("--env-file", type=Path, help="also write the exports here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("name a command after --")
    try:
        cluster = start_cluster("local", say)
    except ClusterStartError as error:
        say(f"error: {error}")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="pinniped-provision-"))
    try:
        with install_local(cluster, workdir, say) as installed:
            contract = {
                **installed.to_environ(),
                "PINNIPED_TEST_CLUSTER_PROVIDER": "existing",
                "PINNIPED_TEST_KUBECONFIG": str(cluster.kubeconfig),
                "PINNIPED_TEST_CLUSTER_CAPABILITY_YAML": CONTRACT_CAPABILITIES,
                "PINNIPED_KUBECTL": str(cluster.kubectl_path),
            }
            if args.env_file:
                exports = "".join(f"export {key}='{value}'\n" for key, value in contract.items())
                args.env_file.write_text(exports)
                args.env_file.chmod(0o600)
            say(f"running {' '.join(command)} against the contract only")
            clean = {k: v for k, v in os.environ.items() if not k.startswith("PINNIPED_TEST_")}
            return subprocess.run(command, env={**clean, **contract}).returncode
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
