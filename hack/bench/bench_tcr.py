"""TokenCredentialRequest latency and rate through kube-apiserver, against a no-op aggregated GET.

Both go anonymously through the same kube-apiserver to the same Concierge process: the no-op is the
Concierge's discovery document (`GET /apis/login.concierge.pinniped.dev/v1alpha1`), the measured call a
TokenCredentialRequest whose webhook answers at once. Concurrency 1, 16 and 64. Reports
`tcr_p50_vs_noop` (p50 at concurrency 1) and `tcr_rate_vs_noop` (requests/s at concurrency 64), and the
exec plugin's cache-miss path (a real exchange) beside `kubectl version --client` as
`plugin_cache_miss_vs_kubectl`.

    python hack/bench/bench_tcr.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))

from report import report

from pinniped.certs.authority import CertificateAuthority
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.clusters.provider import start_cluster
from pinniped.testing.install import (
    apply,
    create_webhook_authenticator,
    run_local_concierge,
    wait_authenticator_ready,
)
from pinniped.testing.ports import free_port
from pinniped.testing.processes import ManagedProcess
from pinniped.testing.requests import token_credential_request, token_credential_requests_path

CONCURRENCY: Final = (1, 16, 64)
REQUESTS: Final = {1: 150, 16: 400, 64: 800}
WARMUP: Final = 20
NOOP_PATH: Final = "/apis/login.concierge.pinniped.dev/v1alpha1"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def allow_anonymous_discovery(cluster: Cluster) -> None:
    """Anonymous callers may GET the Concierge's discovery document (the no-op), as they may POST TCRs."""
    rule = {"nonResourceURLs": [NOOP_PATH], "verbs": ["get"]}
    subject = {"kind": "Group", "name": "system:unauthenticated", "apiGroup": "rbac.authorization.k8s.io"}
    apply(
        cluster,
        [
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "bench-noop"},
                "rules": [rule],
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "bench-noop"},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "bench-noop",
                },
                "subjects": [subject],
            },
        ],
    )


Call = Callable[[aiohttp.ClientSession], Awaitable[None]]


async def measure(
    server: str, ca_pem: bytes, call: Call, requests: int, concurrency: int
) -> tuple[list[float], float]:
    """Latencies (seconds) of `requests` calls with `concurrency` in flight, and the elapsed wall time."""
    context = ssl.create_default_context(cadata=ca_pem.decode())
    connector = aiohttp.TCPConnector(ssl=context, limit=concurrency)
    latencies: list[float] = []
    async with aiohttp.ClientSession(server, connector=connector) as session:
        for _ in range(WARMUP):
            await call(session)
        remaining = requests

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                await call(session)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    await asyncio.sleep(0.1)
    return latencies, elapsed


def noop(session: aiohttp.ClientSession) -> Awaitable[None]:
    async def call() -> None:
        async with session.get(NOOP_PATH) as response:
            await response.read()
            if response.status != 200:
                raise SystemExit(f"error: no-op GET answered {response.status}")

    return call()


def exchange(authenticator: str) -> Call:
    body = json.dumps(token_credential_request("bench-token", authenticator))
    path = token_credential_requests_path()

    async def call(session: aiohttp.ClientSession) -> None:
        async with session.post(path, data=body, headers={"Content-Type": "application/json"}) as response:
            payload = await response.json()
            if response.status != 201 or "credential" not in payload.get("status", {}):
                raise SystemExit(
                    f"error: TokenCredentialRequest answered {response.status}: {payload.get('status')}"
                )

    return call


PLUGIN_RUNS: Final = 21


def plugin_cache_miss(cluster: Cluster, authenticator: str) -> tuple[float, float]:
    """Median wall ms of `pinniped login static` with no cache (a real exchange through kube-apiserver),
    and of `kubectl version --client`, interleaved."""
    ca = base64.b64encode(cluster.ca_pem).decode()
    plugin = [
        sys.executable, "-m", "pinniped.cli", "login", "static", "--enable-concierge",
        f"--concierge-authenticator-name={authenticator}", "--concierge-authenticator-type=webhook",
        f"--concierge-endpoint={cluster.server}", f"--concierge-ca-bundle-data={ca}",
        "--credential-cache=", "--token=bench-token",
    ]  # fmt: skip
    kubectl = [str(cluster.kubectl_path), "version", "--client"]
    plugin_ms: list[float] = []
    kubectl_ms: list[float] = []
    for _ in range(PLUGIN_RUNS):
        for command, into in ((plugin, plugin_ms), (kubectl, kubectl_ms)):
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            into.append((time.perf_counter() - started) * 1000)
    miss, baseline = statistics.median(plugin_ms), statistics.median(kubectl_ms)
    say(f"bench: plugin cache miss {miss:.1f} ms, kubectl version --client {baseline:.1f} ms")
    return miss, baseline


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(cluster: Cluster, authenticator: str, scale: float) -> dict[str, dict[int, dict[str, float]]]:
    results: dict[str, dict[int, dict[str, float]]] = {"noop": {}, "tcr": {}}
    calls: dict[str, Call] = {"noop": noop, "tcr": exchange(authenticator)}
    for concurrency in CONCURRENCY:
        requests = max(20, int(REQUESTS[concurrency] * scale))
        for name, call in calls.items():
            latencies, elapsed = await measure(cluster.server, cluster.ca_pem, call, requests, concurrency)
            numbers = results[name][concurrency] = {
                "p50_ms": statistics.median(latencies) * 1000,
                "p99_ms": percentile(latencies, 0.99) * 1000,
                "rate": requests / elapsed,
            }
            say(
                f"bench: {name:4} concurrency {concurrency:2}: p50 {numbers['p50_ms']:.1f} ms, "
                f"p99 {numbers['p99_ms']:.1f} ms, {numbers['rate']:.0f}/s"
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the request counts (0.1 .. 5)")
    args = parser.parse_args()
    if not 0.1 <= args.scale <= 5:
        parser.error("--scale must be between 0.1 and 5")
    workdir = Path(tempfile.mkdtemp(prefix="pinniped-bench-tcr-"))
    cluster = start_cluster("local", say)
    webhook: ManagedProcess | None = None
    try:
        ca = CertificateAuthority.create("bench webhook CA")
        serving = ca.issue_serving_certificate(["127.0.0.1"], datetime.timedelta(hours=1))
        (workdir / "tls.crt").write_bytes(serving.cert_pem)
        (workdir / "tls.key").write_bytes(serving.key_pem)
        port = free_port()
        webhook = ManagedProcess(
            "instant-webhook",
            [sys.executable, str(Path(__file__).with_name("instant_webhook.py")), str(port),
             str(workdir / "tls.crt"), str(workdir / "tls.key")],
            workdir / "webhook.log",
        )  # fmt: skip
        with run_local_concierge(cluster, workdir / "concierge", say, extra_args=["--log-level", "info"]):
            allow_anonymous_discovery(cluster)
            create_webhook_authenticator(
                cluster, "bench", f"https://127.0.0.1:{port}/authenticate", ca.cert_pem
            )
            wait_authenticator_ready(cluster, "bench")
            results = asyncio.run(run(cluster, "bench", args.scale))
            miss_ms, kubectl_ms = plugin_cache_miss(cluster, "bench")
    finally:
        if webhook is not None:
            webhook.stop()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    details: dict[str, float | int | str] = {}
    for name, by_concurrency in results.items():
        for concurrency, numbers in by_concurrency.items():
            for key, value in numbers.items():
                details[f"{name}_c{concurrency}_{key}"] = round(value, 2)
    report("tcr_p50_vs_noop", results["tcr"][1]["p50_ms"] / results["noop"][1]["p50_ms"], **details)
    report("tcr_rate_vs_noop", results["tcr"][64]["rate"] / results["noop"][64]["rate"], **details)
    report(
        "plugin_cache_miss_vs_kubectl",
        miss_ms / kubectl_ms,
        plugin_cache_miss_ms=round(miss_ms, 2),
        kubectl_ms=round(kubectl_ms, 2),
        runs=PLUGIN_RUNS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
