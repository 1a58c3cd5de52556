"""`nox -s demo`: the whole story on a local cluster, as a person would live it.

1. start a real control plane (etcd, kube-apiserver, kube-controller-manager) on loopback;
2. run local-user-authenticator and the Concierge, and create a user with a random password;
3. as the admin, `pinniped get kubeconfig --static-token user:password`;
4. as the user, `kubectl get namespaces` (kubectl runs `pinniped login static`) and `pinniped whoami`.

`--keep` leaves everything running, prints the kubeconfig paths and waits for Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pinniped.testing.clusters.base import Cluster, ClusterStartError
from pinniped.testing.clusters.provider import start_cluster
from pinniped.testing.env import TestEnv
from pinniped.testing.install import install_local
from pinniped.testing.pinniped_cli import pinniped_command

STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def show(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    printable = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(argv))
    print(f"\n$ {printable}", flush=True)
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    print((result.stdout + result.stderr).rstrip(), flush=True)
    return result


def run_demo(cluster: Cluster, installed: TestEnv, workdir: Path, keep: bool) -> int:
    user_env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    user_env["HOME"] = str(workdir / "user-home")
    group = installed.user_groups[0]
    cluster.kubectl("create", "clusterrolebinding", "demo-view", "--clusterrole=view", f"--group={group}")
    say(f"granted ClusterRole view to group {group!r}")

    kubeconfig = workdir / "pinny.kubeconfig"
    token_hint = f"{installed.user_username}:<random password>"
    say(f"as the admin: pinniped get kubeconfig --static-token {token_hint}")
    generated = subprocess.run(
        [
            *pinniped_command(),
            "get",
            "kubeconfig",
            "--kubeconfig",
            str(cluster.kubeconfig),
            "--static-token",
            installed.user_token,
        ],
        capture_output=True,
        text=True,
        env=user_env,
        timeout=120,
    )
    print(generated.stderr.rstrip(), flush=True)
    if generated.returncode != 0:
        say("pinniped get kubeconfig failed")
        return 1
    kubeconfig.write_text(generated.stdout)
    kubeconfig.chmod(0o600)
    say(f"wrote {kubeconfig}")

    kubectl = str(cluster.kubectl_path)
    listed = show([kubectl, "--kubeconfig", str(kubeconfig), "get", "namespaces"], user_env)
    whoami = show([*pinniped_command(), "whoami", "--kubeconfig", str(kubeconfig)], user_env)
    denied = show([kubectl, "--kubeconfig", str(kubeconfig), "get", "secrets", "-n", "kube-system"], user_env)
    ok = listed.returncode == 0 and whoami.returncode == 0 and denied.returncode != 0
    say("demo " + ("succeeded" if ok else "FAILED"))
    if keep and ok:
        print(
            f"\nEverything keeps running. Try:\n"
            f"  export PATH={Path(kubectl).parent}:$PATH HOME={user_env['HOME']}\n"
            f"  kubectl --kubeconfig {kubeconfig} get namespaces\n"
            f"  admin: kubectl --kubeconfig {cluster.kubeconfig} get webhookauthenticators\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s demo --", description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave it running until Ctrl-C")
    args = parser.parse_args(argv)
    # SIGTERM (and SIGINT) unwind through the `finally` below, so nothing is left running or on disk.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="pinniped-demo-"))
    try:
        cluster = start_cluster("local", say)
    except ClusterStartError as error:
        say(f"error: {error}")
        return 1
    try:
        with install_local(cluster, workdir / "install", say) as installed:
            return run_demo(cluster, installed, workdir, args.keep)
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        say(f"error: {error} {detail}".strip())
        return 1
    finally:
        say("stopping")
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
