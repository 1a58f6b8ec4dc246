"""Fair turns on one engine for several clients: a bounded queue, round robin.

Each client's waiting generations queue in order; when a turn frees up it goes to
the next client in rotation, so one editor typing fast cannot starve another.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from lsp_codegen.engine.base import EngineError


class FairScheduler:
    """At most `slots` generations run at once; the rest wait, up to `limit` of them."""

    def __init__(self, slots: int = 1, limit: int = 32) -> None:
        self._free = slots
        self._limit = limit
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}
        self._rotation: deque[str] = deque()  # clients with waiters, next turn first
        self.granted: list[str] = []  # recent turn order, for tests and status

    @property
    def queued(self) -> int:
        """Generations waiting for a turn."""
        return sum(len(waiters) for waiters in self._waiting.values())

    @asynccontextmanager
    async def turn(self, client: str) -> AsyncIterator[None]:
        """Wait for `client`'s turn, run the body, then hand the turn on."""
        await self._acquire(client)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, client: str) -> None:
        if self._free > 0 and not self._rotation:
            self._free -= 1
            self._record(client)
            return
        if self.queued >= self._limit:
            raise EngineError(
                f"the shared engine is busy: {self.queued} generations are queued; try again"
            )
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(waiter)
        if client not in self._rotation:
            self._rotation.append(client)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the turn was granted as we were cancelled: pass it on
            else:
                self._forget(client, waiter)
            raise
        self._record(client)

    def _release(self) -> None:
        """Give the freed turn to the next client in rotation, or keep it free."""
        while self._rotation:
            client = self._rotation.popleft()
            waiters = self._waiting[client]
            waiter = waiters.popleft()
            if waiters:
                self._rotation.append(client)  # to the back: the others go first
            else:
                del self._waiting[client]
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1

    def _forget(self, client: str, waiter: asyncio.Future[None]) -> None:
        waiters = self._waiting.get(client)
        if waiters is None or waiter not in waiters:
            return
        waiters.remove(waiter)
        if not waiters:
            del self._waiting[client]
            self._rotation.remove(client)

    def _record(self, client: str) -> None:
        self.granted.append(client)
        del self.granted[:-100]
