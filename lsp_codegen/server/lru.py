"""A bounded dict that forgets its least recently put (or touched) entry first.

The server's small in-memory caches (answered items, recent results, shown
suggestions, traces per document) all keep the last few of something this way.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Lru(OrderedDict[_K, _V]):
    """An OrderedDict of at most `capacity` entries, oldest first.

    `put` makes its key the newest and evicts beyond capacity; plain `get` does not
    reorder, so a caller that counts a read as a use calls `move_to_end` itself."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def put(self, key: _K, value: _V) -> None:
        """Store `value` under `key` as the newest entry, forgetting the oldest beyond capacity."""
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)
