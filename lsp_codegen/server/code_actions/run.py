""" "Run selection": run the selected code, or the function under the cursor with the
examples from its comment, in the sandbox, and show what happened."""

from __future__ import annotations

import logging
import textwrap
from typing import Any

from lsprotocol import types

from lsp_codegen.context.document import Document
from lsp_codegen.context.functions import FunctionAt, function_at
from lsp_codegen.ranking.examples import extract_examples
from lsp_codegen.ranking.jsfunctions import js_function_at
from lsp_codegen.ranking.runnable import definitions_only
from lsp_codegen.sandbox.node import LANGUAGES as NODE_LANGUAGES
from lsp_codegen.sandbox.types import Check, RunResult, Verdict
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import range_json
from lsp_codegen.server.command_ids import RUN_SELECTION
from lsp_codegen.server.errors import content_modified, invalid_params, request_failed
from lsp_codegen.server.positions import to_offset
from lsp_codegen.server.progress import WorkProgress

log = logging.getLogger(__name__)

RUN_TITLE = "Run selection"


async def run_selection(ls: CodegenServer, data: Any) -> dict[str, object]:
    """Run what `data` names in the sandbox; report and return the outcome."""
    document, code, checks = _what_to_run(ls, data)
    language = document.language_id
    sandbox, why = await ls.sandboxes.for_language(language, ls.settings.node.executable)
    if sandbox is None:
        raise request_failed(f"{language} code does not run here: {why or 'no runner'}")
    progress = WorkProgress(ls, "lsp-codegen: run")
    await progress.begin(f"Running {len(checks)} example(s)…" if checks else "Running…")
    result = await sandbox.run(code, checks)
    summary = summarize(result)
    progress.end(summary)
    _report(ls, document, result, summary)
    return {
        "verdict": result.verdict.value,
        "passed": result.passed,
        "total": len(checks),
        "stdout": result.stdout,
        "message": summary,
        "isolation": sandbox.isolation,
    }


def run_action(document: Document, params: types.CodeActionParams) -> types.Command | None:
    """The "Run selection" action, for Python, JavaScript and TypeScript, on a selection
    or inside a function.

    A bare Command (a valid code action result): it runs at once, no edit to resolve.
    """
    if not _runs(document.language_id):
        return None
    selection = params.range
    if selection.start == selection.end and _function(document, selection.start.line) is None:
        return None
    data = {"uri": document.uri, "version": document.version, "range": range_json(selection)}
    return types.Command(title=RUN_TITLE, command=RUN_SELECTION, arguments=[data])


def _what_to_run(ls: CodegenServer, data: Any) -> tuple[Document, str, list[Check]]:
    """The code and checks for a run request; errors name what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
        raise invalid_params("runSelection takes {uri, version, range}")
    document = ls.document(data["uri"])
    if data.get("version") not in (None, document.version):
        raise content_modified("the document changed since this action was offered; ask again")
    try:
        selection = types.Range(
            start=types.Position(**data["range"]["start"]),
            end=types.Position(**data["range"]["end"]),
        )
    except (KeyError, TypeError) as error:
        raise invalid_params(f"runSelection range is malformed: {error}") from error
    start = to_offset(document, selection.start, ls.encoding)
    end = to_offset(document, selection.end, ls.encoding)
    if start != end:
        return document, textwrap.dedent(document.text[start:end]), []
    function = _function(document, selection.start.line)
    if function is None:
        raise invalid_params("select code to run, or put the cursor inside a function")
    language = document.language_id
    checks = extract_examples(function.description, language, function.name)
    return document, definitions_only(document.text, language) or "", checks


def _runs(language: str) -> bool:
    return language == "python" or language.lower() in NODE_LANGUAGES


def _function(document: Document, line: int) -> FunctionAt | None:
    if document.language_id == "python":
        return function_at(document.text, line)
    return js_function_at(document.text, line, document.language_id)


def summarize(result: RunResult) -> str:
    """One line for the user: the verdict, the examples, the first failure."""
    total = len(result.checks)
    if result.verdict is Verdict.PASSED:
        examples = f" · ✓ {result.passed}/{total} examples" if total else ""
        return f"ran in {result.seconds * 1000:.0f} ms{examples}"
    failure = next((c for c in result.checks if c.verdict is not Verdict.PASSED), None)
    detail = failure.message or failure.check.label if failure else result.message
    counts = f" · ✗ {result.passed}/{total} examples" if total else ""
    return f"{result.verdict.value}{counts}: {detail}"


def _report(ls: CodegenServer, document: Document, result: RunResult, summary: str) -> None:
    kind = types.MessageType.Info if result.verdict is Verdict.PASSED else types.MessageType.Warning
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"Run: {summary}"))
    output = "\n".join(part for part in (result.stdout, result.stderr) if part)
    ls.window_log_message(
        types.LogMessageParams(
            type=types.MessageType.Log, message=f"Run in {document.uri}: {summary}\n{output}"
        )
    )
