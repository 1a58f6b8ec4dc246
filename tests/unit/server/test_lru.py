"""The bounded dict behind the server's small caches."""

from __future__ import annotations

from lsp_codegen.server.lru import Lru


def test_put_beyond_capacity_forgets_the_oldest() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    lru.put("c", 3)
    assert list(lru.items()) == [("b", 2), ("c", 3)]


def test_putting_a_kept_key_again_makes_it_the_newest() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    lru.put("a", 10)  # "b" is now the oldest
    lru.put("c", 3)
    assert list(lru.items()) == [("a", 10), ("c", 3)]


def test_get_does_not_reorder_but_move_to_end_does() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1
    lru.put("c", 3)
    assert "a" not in lru
    lru.move_to_end("b")
    lru.put("d", 4)
    assert list(lru) == ["b", "d"]
