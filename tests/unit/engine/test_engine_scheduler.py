"""Fair turns between clients on one shared engine."""

from __future__ import annotations

import asyncio

import pytest

from lsp_codegen.engine.base import EngineError
from lsp_codegen.engine.scheduler import FairScheduler


async def _take(scheduler: FairScheduler, client: str, hold: asyncio.Event) -> None:
    async with scheduler.turn(client):
        await hold.wait()


async def test_turns_rotate_between_clients() -> None:
    scheduler = FairScheduler(slots=1)
    hold = asyncio.Event()
    hold.set()
    blocker = asyncio.Event()
    first = asyncio.create_task(_take(scheduler, "x", blocker))
    await asyncio.sleep(0)
    # One client queues three generations, another queues one after them.
    waiting = [asyncio.create_task(_take(scheduler, c, hold)) for c in ("a", "a", "a", "b")]
    await asyncio.sleep(0)
    assert scheduler.queued == 4
    blocker.set()
    await asyncio.gather(first, *waiting)
    assert scheduler.granted == ["x", "a", "b", "a", "a"]


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    scheduler = FairScheduler(slots=1)
    blocker = asyncio.Event()
    first = asyncio.create_task(_take(scheduler, "x", blocker))
    await asyncio.sleep(0)
    gone = asyncio.create_task(_take(scheduler, "a", blocker))
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    assert scheduler.queued == 0
    blocker.set()
    await first
    async with scheduler.turn("b"):
        pass
    assert scheduler.granted == ["x", "b"]


async def test_the_queue_is_bounded() -> None:
    scheduler = FairScheduler(slots=1, limit=1)
    blocker = asyncio.Event()
    first = asyncio.create_task(_take(scheduler, "x", blocker))
    await asyncio.sleep(0)
    queued = asyncio.create_task(_take(scheduler, "a", blocker))
    await asyncio.sleep(0)
    with pytest.raises(EngineError, match="busy"):
        async with scheduler.turn("b"):
            pass
    blocker.set()
    await asyncio.gather(first, queued)
