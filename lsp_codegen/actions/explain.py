"""Explain: a short explanation of some code, as a comment block to insert above it.

The model writes a few words after a comment that asks for them; they are cleaned
(markers, blank lines and runaway text dropped), wrapped, and written in the
document's comment syntax. `comment_block` refuses anything that would not be
comments only where it goes.
"""

from __future__ import annotations

import io
import re
import textwrap
import tokenize

from lsp_codegen.actions.complete import complete
from lsp_codegen.config import Settings
from lsp_codegen.context.languages import comment_syntax
from lsp_codegen.engine.base import CancelToken, Engine

MAX_SENTENCES = 3
MAX_CHARACTERS = 320
WIDTH = 88
MAX_NEW_TOKENS = 96
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def explain_prompt(code: str, language: str, name: str | None) -> str:
    """The code, then a comment that starts its explanation."""
    marker = _line_marker(language) or "#"
    subject = f"`{name}`" if name else "the code above"
    return f"{code.rstrip()}\n\n{marker} In short, {subject} "


def explanation_end(text: str) -> int | None:
    """Stop rule: the explanation ends at a blank line or at code (a line that is not
    a comment continuing it)."""
    lines = text.split("\n")
    if len(lines) < 2:
        return None
    offset = len(lines[0]) + 1
    for line in lines[1:-1]:
        stripped = line.strip()
        if not stripped or not re.match(r"^(#|//|--|;|%)", stripped):
            return offset - 1
        offset += len(line) + 1
    return None


async def explain(
    engine: Engine,
    settings: Settings,
    code: str,
    language: str,
    name: str | None = None,
    cancel: CancelToken | None = None,
) -> str:
    """A short explanation of `code` in plain words ("" when the model wrote none)."""
    prompt = explain_prompt(code, language, name)
    texts = await complete(
        engine,
        prompt,
        settings,
        explanation_end,
        cancel,
        max_new_tokens=MAX_NEW_TOKENS,
        num_candidates=1,
    )
    subject = f"`{name}`" if name else "This code"
    return clean_explanation(texts[0].text if texts else "", subject)


def clean_explanation(text: str, subject: str = "") -> str:
    """The model's words as sentences: comment markers and extra space removed, cut
    to MAX_SENTENCES and MAX_CHARACTERS, ending at a sentence when it can."""
    words = " ".join(re.sub(r"^\s*(#+|//+|--+|;+|%+)", "", line) for line in text.split("\n"))
    words = " ".join(words.split())
    if not words:
        return ""
    sentences = _SENTENCE_END.split(words)[:MAX_SENTENCES]
    result = " ".join(sentences)
    if len(result) > MAX_CHARACTERS:
        result = result[:MAX_CHARACTERS].rsplit(" ", 1)[0] + "…"
    return f"{subject} {result}".strip() if subject else result[:1].upper() + result[1:]


def comment_block(explanation: str, language: str, indent: str) -> str | None:
    """`explanation` as comment lines at `indent`, each ending in "\\n"; None when the
    language has no comment syntax that can hold it."""
    lines = textwrap.wrap(explanation, WIDTH - len(indent) - 3) or [""]
    marker = _line_marker(language)
    if marker is not None:
        return "".join(f"{indent}{marker} {line}".rstrip() + "\n" for line in lines)
    block = comment_syntax(language).block
    if block is None or any(block[1] in line for line in lines):
        return None
    opener, closer = block
    return f"{indent}{opener} " + f"\n{indent}".join(lines) + f" {closer}\n"


def only_comments(block: str, language: str) -> bool:
    """True when every line of `block` is a comment (for Python: by its tokenizer)."""
    if language == "python":
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(block).readline))
        except (tokenize.TokenError, SyntaxError):
            return False
        allowed = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER}
        allowed |= {tokenize.INDENT, tokenize.DEDENT}
        return all(token.type in allowed for token in tokens)
    marker = _line_marker(language)
    if marker is None:
        return _one_block_comment(block.strip(), comment_syntax(language).block)
    return all(line.lstrip().startswith(marker) for line in block.splitlines())


def _line_marker(language: str) -> str | None:
    markers = comment_syntax(language).line_markers
    return markers[0] if markers else None


def _one_block_comment(text: str, block: tuple[str, str] | None) -> bool:
    if block is None:
        return False
    opener, closer = block
    inside = text[len(opener) : len(text) - len(closer)]
    return text.startswith(opener) and text.endswith(closer) and closer not in inside
