"""Typing at the end of a file longer than the prompt budget reuses the model's KV cache."""

from __future__ import annotations

from pathlib import Path

from tests.lsp.raw_client import RawServer

URI = "file:///long.py"
# Far more than the 1024-token prompt budget.
SOURCE = "".join(f"def f{n}(a, b):\n    return a * {n} + b\n\n" for n in range(300))
# Lines typed a word at a time: as many tokens as several whole lines of the file.
TYPED = ["total", " =", " x", " +", " 1", "\n    ", "total", " *=", " 2", "\n    "] * 3


def test_keystrokes_past_the_budget_recompute_only_new_tokens(tiny_model_dir: Path) -> None:
    raw = RawServer()
    options = {"contextTokens": 1024, "maxNewTokens": 4, "inline": {"speculative": False}}
    raw.initialize({"model": str(tiny_model_dir), **options})
    try:
        raw.wait_ready()
        text = SOURCE + "def g(x):\n    "
        raw.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}},
        )
        for version, typed in enumerate(TYPED, start=2):
            at = _end(text)
            raw.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": URI, "version": version},
                    "contentChanges": [{"range": {"start": at, "end": at}, "text": typed}],
                },
            )
            text += typed
            params = {
                "textDocument": {"uri": URI},
                "position": _end(text),
                "context": {"triggerKind": 1},
            }
            raw.request("textDocument/inlineCompletion", params, 60)
        prefills = raw.wait_ready()["prefills"]
        assert len(prefills) >= 6  # some keystrokes may type through a shown suggestion
        assert all(p["prompt"] > 800 for p in prefills)  # the budget is in use: cut prompts
        # After the first read, a keystroke computes its own token or two; the start of
        # the prompt may step ahead once in a while (then it is read again), not each time.
        recomputed = [p for p in prefills[1:] if p["computed"] > 8]
        assert len(recomputed) <= 1, prefills
    finally:
        raw.close()


def _end(text: str) -> dict[str, int]:
    return {"line": text.count("\n"), "character": len(text) - text.rfind("\n") - 1}
