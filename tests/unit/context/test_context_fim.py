"""FIM template detection from tokenizer vocabularies."""

from __future__ import annotations

import pytest

from lsp_codegen.context.fim import FimTemplate, detect_fim

COMMON = {"a", "b", "def", "▁the", "<|endoftext|>", "</s>"}

# (vocabulary, family, prompt for prefix "P" and suffix "S")
CASES: list[tuple[set[str], str, str]] = [
    (
        COMMON | {"<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<file_sep>"},
        "starcoder",
        "<fim_prefix>P<fim_suffix>S<fim_middle>",
    ),
    (
        COMMON | {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>"},
        "qwen2.5-coder/codegemma",
        "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>",
    ),
    (
        {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_separator|>", "<eos>"},
        "qwen2.5-coder/codegemma",
        "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>",
    ),
    (
        COMMON | {"<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<｜end▁of▁sentence｜>"},
        "deepseek-coder",
        "<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>",
    ),
    (
        COMMON | {"▁<PRE>", "▁<SUF>", "▁<MID>", "▁<EOT>"},
        "codellama",
        "<PRE> P <SUF>S <MID>",
    ),
    (
        COMMON | {"[SUFFIX]", "[PREFIX]", "[INST]"},
        "codestral",
        "[SUFFIX]S[PREFIX]P",
    ),
]


@pytest.mark.parametrize(("vocabulary", "family", "prompt"), CASES, ids=[c[1] for c in CASES])
def test_detect_fim(vocabulary: set[str], family: str, prompt: str) -> None:
    template = detect_fim(vocabulary)
    assert template is not None
    assert template.family == family
    assert template.format("P", "S") == prompt


def test_no_fim_tokens() -> None:
    assert detect_fim(COMMON) is None
    assert detect_fim(set()) is None


def test_partial_token_set_is_not_fim() -> None:
    assert detect_fim(COMMON | {"<fim_prefix>", "<fim_suffix>"}) is None


def test_stop_tokens_are_those_present() -> None:
    template = detect_fim({"<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<|endoftext|>"})
    assert template is not None and template.stop == ("<|endoftext|>",)


def test_format_keeps_braces_and_empty_parts() -> None:
    template = FimTemplate("t", "<P>", "<S>", "<M>")
    assert template.format("f = {x}", "") == "<P>f = {x}<S><M>"
