"""How close does the webhook get to the bcrypt bound?

The bound is what the cores could do if every request were one bcrypt comparison and nothing
else: os.cpu_count() / t_checkpw. The webhook runs in-process over TLS on 127.0.0.1 with an
in-memory user store; a client fires authenticate requests at fixed concurrency. Prints one
`BENCH webhook_rate_vs_bcrypt_bound <rate/bound> ...` line and records it in bench-results.json.

    python hack/bench/bench_webhook.py [--requests 200] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import statistics
import time
from typing import Final

import aiohttp
import bcrypt
from aiohttp import web
from report import report

from pinniped.localuser.app import Deps, build_app
from pinniped.localuser.config import ServeConfig
from pinniped.localuser.passwords import DEFAULT_COST, PasswordChecker, hash_password
from pinniped.localuser.tls import new_serving_material, server_ssl_context
from pinniped.localuser.users import StaticUserStore, UserRecord

NAME: Final = "webhook_rate_vs_bcrypt_bound"
USERNAME: Final = "bench-user"
PASSWORD: Final = "bench-password-0123456789"
MAX_REQUESTS: Final = 2000
CHECKPW_SAMPLES: Final = 10
WARMUP_REQUESTS: Final = 4


def checkpw_seconds(password_hash: bytes) -> float:
    """Median wall time of one bcrypt.checkpw at the hash's cost."""
    samples = []
    for _ in range(CHECKPW_SAMPLES):
        started = time.perf_counter()
        assert bcrypt.checkpw(PASSWORD.encode(), password_hash)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def fire(url: str, context: ssl.SSLContext, requests: int, concurrency: int) -> tuple[float, int]:
    """(elapsed seconds, failures) for `requests` authenticate calls, `concurrency` in flight."""
    body = json.dumps(
        {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {"token": f"{USERNAME}:{PASSWORD}"},
        }
    )
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    connector = aiohttp.TCPConnector(ssl=context, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> bool:
            async with session.post(url, data=body, headers=headers) as response:
                answer = await response.json()
                return response.status == 200 and answer["status"]["authenticated"] is True

        for _ in range(WARMUP_REQUESTS):
            await one()
        remaining = requests
        failures = 0

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0:
                remaining -= 1
                if not await one():
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, failures


async def bench(requests: int, concurrency: int) -> None:
    password_hash = hash_password(PASSWORD, DEFAULT_COST)
    t_checkpw = checkpw_seconds(password_hash)
    cpus = os.cpu_count() or 1
    bound = cpus / t_checkpw

    material = new_serving_material(["127.0.0.1"])
    store = StaticUserStore({USERNAME: UserRecord(USERNAME, password_hash)})
    app = build_app(ServeConfig(), Deps(store, PasswordChecker()))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ssl_context(material))
        await site.start()
        host, port = runner.addresses[0][:2]
        client_context = ssl.create_default_context(cadata=material.ca_pem.decode())
        url = f"https://{host}:{port}/authenticate"
        elapsed, failures = await fire(url, client_context, requests, concurrency)
    finally:
        await runner.cleanup()
    if failures:
        raise SystemExit(f"error: {failures} of {requests} requests did not authenticate")

    rate = requests / elapsed
    report(
        NAME,
        rate / bound,
        rate_per_second=rate,
        bound_per_second=bound,
        checkpw_seconds=t_checkpw,
        cpus=cpus,
        bcrypt_cost=DEFAULT_COST,
        requests=requests,
        concurrency=concurrency,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    asyncio.run(bench(args.requests, args.concurrency))


if __name__ == "__main__":
    main()
