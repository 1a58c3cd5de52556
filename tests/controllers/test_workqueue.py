"""run_single_key: one object's controller syncs once synced, and again on each resync."""

from __future__ import annotations

import asyncio
import contextlib

from pinniped.controllers.workqueue import WorkQueue, run_single_key


async def test_nothing_syncs_before_the_informer_has_synced_then_resyncs_periodically() -> None:
    synced = asyncio.Event()
    calls: list[float] = []
    three_calls = asyncio.Event()

    async def sync() -> None:
        calls.append(asyncio.get_running_loop().time())
        if len(calls) == 3:
            three_calls.set()

    task = asyncio.create_task(run_single_key("test", WorkQueue(), "ns/name", synced, sync, 0.05))
    try:
        await asyncio.sleep(0.1)
        assert calls == []
        synced.set()
        await asyncio.wait_for(three_calls.wait(), 2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_queued_key_syncs_without_waiting_for_the_resync() -> None:
    synced = asyncio.Event()
    synced.set()
    queue = WorkQueue()
    done = asyncio.Event()
    count = 0

    async def sync() -> None:
        nonlocal count
        count += 1
        if count == 2:
            done.set()

    task = asyncio.create_task(run_single_key("test", queue, "ns/name", synced, sync, 3600))
    try:
        await asyncio.sleep(0.02)
        queue.add("ns/name")
        await asyncio.wait_for(done.wait(), 1)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
