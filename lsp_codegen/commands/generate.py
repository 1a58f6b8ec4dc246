"""`lsp-codegen generate FILE --line N`: the comment-to-code pipeline in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from lsp_codegen.commands.common import load_with_progress, settings_from_args
from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.filetypes import language_for_path
from lsp_codegen.context.insertion import insertion_for_comment, locate_insertion
from lsp_codegen.context.positions import LineIndex
from lsp_codegen.context.types import Insertion
from lsp_codegen.engine.base import CancelToken, EngineError
from lsp_codegen.pipeline import GenerationResult, generate


def run_generate(args: argparse.Namespace) -> int:
    """Print every ranked candidate for the prompt at `--line` of `FILE`."""
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"lsp-codegen: cannot read {path}: {error}", file=sys.stderr)
        return 2
    language = language_for_path(path)
    insertion = insertion_at_line(text, args.line - 1, language)
    settings = settings_from_args(args, numCandidates=args.n)
    try:
        engine, _ = load_with_progress(settings)
    except EngineError as error:
        print(f"lsp-codegen: {error}", file=sys.stderr)
        return 1
    result = asyncio.run(generate(engine, insertion, settings, CancelToken()))
    print_result(result)
    engine.close()
    return 0 if result.candidates else 1


def insertion_at_line(text: str, line: int, language: str) -> Insertion:
    """The comment prompt at `line` if there is one, else the end of that line."""
    index = LineIndex(text)
    line = max(0, min(line, index.line_count - 1))
    prompt = find_comment_prompt(index.lines, line, language)
    if prompt is not None:
        return insertion_for_comment(text, prompt, language)
    return locate_insertion(text, index.line_end(line), language)


def print_result(result: GenerationResult) -> None:
    """Candidates best first, each with its evidence."""
    print(f"# {len(result.candidates)} candidates from {result.model} in {result.seconds:.1f} s")
    for rank, candidate in enumerate(result.candidates, start=1):
        print(f"\n## candidate {rank} · {candidate.title()}")
        print(candidate.text)
