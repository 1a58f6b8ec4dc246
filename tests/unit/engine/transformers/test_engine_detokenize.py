"""Incremental detokenization with real tokenizers: no half characters, exact text."""

from __future__ import annotations

from pathlib import Path

from transformers import AutoTokenizer

from lsp_codegen.engine.transformers.detokenize import IncrementalDetokenizer


def test_streamed_deltas_equal_the_whole_decode(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    text = "def f(x):\n    return 'héllo 😀 世界' + x\n"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    anchor = tokenizer("# ", add_special_tokens=False)["input_ids"][-1]
    detok = IncrementalDetokenizer(tokenizer, anchor)
    deltas = [detok.push(token) for token in ids]
    assert "".join(deltas) == text
    assert all("\ufffd" not in delta for delta in deltas)
    # The emoji is several byte-level tokens: some pushes must have been held back.
    assert "" in deltas
