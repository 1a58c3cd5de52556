"""`python -m pinniped.testing.clusters up`: a cluster for a human, up until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from pinniped.testing.clusters.base import ClusterStartError
from pinniped.testing.clusters.provider import PROVIDERS, choose_provider, start_cluster


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pinniped.testing.clusters")
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--provider", choices=PROVIDERS)
    args = parser.parse_args(argv)
    try:
        cluster = start_cluster(choose_provider(args.provider), _say)
    except ClusterStartError as error:
        _say(f"error: {error}")
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"export KUBECONFIG={cluster.kubeconfig}", flush=True)
    _say(f"kubectl: {cluster.kubectl_path}")
    _say("cluster is up; press Ctrl-C to stop it")
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        _say("stopping the cluster")
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
