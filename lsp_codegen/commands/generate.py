"""`lsp-codegen generate FILE --line N`: the comment-to-code pipeline in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from lsp_codegen.commands.common import load_or_report, settings_from_args
from lsp_codegen.config import Settings
from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.filetypes import language_for_path
from lsp_codegen.context.insertion import insertion_for_comment, locate_insertion
from lsp_codegen.context.positions import LineIndex
from lsp_codegen.context.types import Insertion
from lsp_codegen.engine.base import CancelToken, Engine
from lsp_codegen.pipeline import GenerationResult, generate
from lsp_codegen.sandbox import node
from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.launch import Runtime
from lsp_codegen.sandbox.node import node_setup
from lsp_codegen.sandbox.sandbox import create_sandbox
from lsp_codegen.stages import StageLog
from lsp_codegen.tracing.render import render
from lsp_codegen.tracing.trace import RequestTrace


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
    engine = load_or_report(settings)
    if engine is None:
        return 1
    trace = _trace_for(path, insertion)
    result = asyncio.run(_generate_checked(engine, insertion, settings, trace.stages))
    print_result(result)
    engine.close()
    if args.trace:
        trace.use(result)
        trace.answer(len(result.candidates))
        print("\n# trace\n" + render(trace.as_json()), end="")
    return 0 if result.candidates else 1


def _trace_for(path: Path, insertion: Insertion) -> RequestTrace:
    index = LineIndex(insertion.prefix)
    line = index.line_count - 1
    character = len(insertion.prefix) - index.line_start(line)
    return RequestTrace(1, "generate", path.resolve().as_uri(), line, character, "command", 0)


async def _generate_checked(
    engine: Engine, insertion: Insertion, settings: Settings, stages: StageLog
) -> GenerationResult:
    """The code-action pipeline: every gate, examples run in the sandbox (the workspace's
    Python, or its Node for JavaScript and TypeScript)."""
    language = insertion.language
    runtime: Runtime | None = None
    no_sandbox = ""
    if language == "python":
        runtime, problem = find_interpreter(Path.cwd(), settings.python.interpreter or None)
        if problem:
            print(f"lsp-codegen: {problem}", file=sys.stderr)
    elif node.is_javascript(language) or node.is_typescript(language):
        runtime, no_sandbox = node_setup(language, Path.cwd(), settings.node.executable)
    if runtime is None:
        return await generate(
            engine, insertion, settings, CancelToken(), stages=stages, no_sandbox=no_sandbox
        )
    async with create_sandbox(runtime) as sandbox:
        return await generate(
            engine,
            insertion,
            settings,
            CancelToken(),
            sandbox=sandbox,
            on_progress=lambda message: print(message, file=sys.stderr),
            lint=language == "python",
            stages=stages,
        )


def insertion_at_line(text: str, line: int, language: str) -> Insertion:
    """The comment prompt at `line` if there is one, else the end of that line."""
    index = LineIndex(text)
    line = max(0, min(line, index.line_count - 1))
    prompt = find_comment_prompt(index.lines, line, language)
    if prompt is not None:
        return insertion_for_comment(text, prompt, language)
    return locate_insertion(text, index.line_end(line), language)


def print_result(result: GenerationResult) -> None:
    """Candidates best first, each with its evidence; then the rejected ones and why."""
    plural = "" if result.examples == 1 else "s"
    examples = f", checked on {result.examples} example{plural}" if result.examples else ""
    print(
        f"# {len(result.candidates)} candidates from {result.model} "
        f"in {result.seconds:.1f} s{examples}"
    )
    for rank, candidate in enumerate(result.candidates, start=1):
        print(f"\n## candidate {rank} · {candidate.title()}")
        print(candidate.text)
    for rejected in result.rejected:
        print(f"\n## rejected · {rejected.reason}")
        print(rejected.candidate.text)
