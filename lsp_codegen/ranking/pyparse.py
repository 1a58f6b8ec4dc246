"""Parsing model-written Python without ever raising."""

from __future__ import annotations

import ast
import warnings


def parse_quietly(source: str) -> ast.Module | None:
    """The module tree of `source`, or None when it is empty or does not parse.

    Model output can be anything: deeply nested brackets (RecursionError), huge
    literals (MemoryError), invalid escapes (SyntaxWarning, silenced).
    """
    if not source.strip():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
