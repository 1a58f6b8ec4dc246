"""Fill-in-the-middle templates, recognised by the special tokens a vocabulary holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FimTemplate:
    """How one model family writes a fill-in-the-middle prompt.

    The prompt is `prefix_token + prefix + suffix_token + suffix + middle_token`,
    or, when `suffix_first`, `suffix_token + suffix + prefix_token + prefix + middle_token`.
    `stop` holds the end-of-middle tokens of the family that the vocabulary has.
    """

    family: str
    prefix_token: str
    suffix_token: str
    middle_token: str
    suffix_first: bool = False
    stop: tuple[str, ...] = ()

    def format(self, prefix: str, suffix: str) -> str:
        """The prompt that asks for the text between `prefix` and `suffix`."""
        if self.suffix_first:
            return f"{self.suffix_token}{suffix}{self.prefix_token}{prefix}{self.middle_token}"
        return f"{self.prefix_token}{prefix}{self.suffix_token}{suffix}{self.middle_token}"


def _present(vocabulary: set[str], tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(token for token in tokens if token in vocabulary)


def _starcoder(vocabulary: set[str]) -> FimTemplate | None:
    if not {"<fim_prefix>", "<fim_suffix>", "<fim_middle>"} <= vocabulary:
        return None
    stop = _present(vocabulary, ("<|endoftext|>", "<file_sep>", "<fim_pad>"))
    return FimTemplate("starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", stop=stop)


def _qwen_codegemma(vocabulary: set[str]) -> FimTemplate | None:
    if not {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"} <= vocabulary:
        return None
    stop = _present(
        vocabulary,
        ("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|file_separator|>", "<eos>"),
    )
    return FimTemplate(
        "qwen2.5-coder/codegemma", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", stop=stop
    )


def _deepseek(vocabulary: set[str]) -> FimTemplate | None:
    begin, hole, end = "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"
    if not {begin, hole, end} <= vocabulary:
        return None
    stop = _present(vocabulary, ("<｜end▁of▁sentence｜>", "<|EOT|>"))
    return FimTemplate("deepseek-coder", begin, hole, end, stop=stop)


def _codellama(vocabulary: set[str]) -> FimTemplate | None:
    # SentencePiece stores the tokens with a leading "▁"; the prompt text spells
    # them with spaces, which the tokenizer maps back to those tokens.
    spm = {"▁<PRE>", "▁<SUF>", "▁<MID>"} <= vocabulary
    if not (spm or {"<PRE>", "<SUF>", "<MID>"} <= vocabulary):
        return None
    stop = _present(vocabulary, ("▁<EOT>", "<EOT>", "</s>"))
    return FimTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", stop=stop)


def _codestral(vocabulary: set[str]) -> FimTemplate | None:
    if not {"[SUFFIX]", "[PREFIX]"} <= vocabulary:
        return None
    stop = _present(vocabulary, ("</s>",))
    return FimTemplate("codestral", "[PREFIX]", "[SUFFIX]", "", suffix_first=True, stop=stop)


# The first family whose tokens are all present wins.
_DETECTORS: tuple[Callable[[set[str]], FimTemplate | None], ...] = (
    _qwen_codegemma,
    _starcoder,
    _deepseek,
    _codellama,
    _codestral,
)


def detect_fim(vocabulary: set[str]) -> FimTemplate | None:
    """The FIM template whose special tokens `vocabulary` holds, or None."""
    for detector in _DETECTORS:
        template = detector(vocabulary)
        if template is not None:
            return template
    return None
