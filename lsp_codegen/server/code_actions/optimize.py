""" "Optimize…": rewrites of the function at the cursor, offered only when verified
identical on every input and measured faster; otherwise the reasons why not."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from pathlib import Path

from lsprotocol import types

from lsp_codegen.actions.optimize import OptimizeReport, optimize
from lsp_codegen.actions.target import Target
from lsp_codegen.context.document import Document
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import ActionOutcome, ActionRequest, versioned_edit
from lsp_codegen.server.errors import content_modified, invalid_params
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.progress import WorkProgress

TITLE = "Optimize…"
_MAX_TEST_FILES = 200
_MAX_TEST_BYTES = 256 * 1024
_Key = tuple[str, int, int]


class RecentReports:
    """Optimize reports by (uri, version, function line): listed as titled actions
    ("Optimize: 2.3× faster · …") and resolved without running again."""

    def __init__(self, capacity: int = 8) -> None:
        self._capacity = capacity
        self._items: OrderedDict[_Key, OptimizeReport] = OrderedDict()

    def get(self, document: Document, target: Target) -> OptimizeReport | None:
        """The report for exactly this document version and function, if kept."""
        return self._items.get((document.uri, document.version, target.first_line))

    def put(self, document: Document, target: Target, report: OptimizeReport) -> None:
        """Remember a report, forgetting the oldest beyond capacity."""
        self._items[(document.uri, document.version, target.first_line)] = report
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)


# One server per process (stdio, TCP or WebSocket alike): one cache.
REPORTS = RecentReports()


def listed(document: Document, target: Target) -> list[tuple[str, int | None, str | None]]:
    """(title, offer, disabled reason) for the optimize actions to list now: the
    verified rewrites when this version was optimized already, else "Optimize…"."""
    report = REPORTS.get(document, target)
    if report is None:
        return [(TITLE, None, None)]
    if not report.offered:
        return [(TITLE, None, f"Nothing qualifies: {report.summary()}")]
    return [(offer.title(), index, None) for index, offer in enumerate(report.offered)]


async def run(ls: CodegenServer, request: ActionRequest) -> ActionOutcome:
    """Optimize the request's function (or reuse this version's report)."""
    document, target = request.document, request.target
    if target is None:
        raise invalid_params("Optimize works on a top-level Python function: put the cursor in one")
    report = REPORTS.get(document, target)
    if report is None:
        if request.offer is not None:
            raise content_modified("the document changed since this rewrite was offered")
        report = await _optimize(ls, document, target)
        REPORTS.put(document, target, report)
    if not report.offered:
        return ActionOutcome(TITLE, None, f"Optimize: nothing qualifies — {report.summary()}")
    index = request.offer or 0
    if index >= len(report.offered):
        raise invalid_params(f"rewrite {index} is not among the verified rewrites")
    offer = report.offered[index]
    edit = types.WorkspaceEdit(
        document_changes=[
            versioned_edit(document, [_replacement(ls, document, target, offer.source)])
        ]
    )
    return ActionOutcome(offer.title(), edit, offer.title())


async def _optimize(ls: CodegenServer, document: Document, target: Target) -> OptimizeReport:
    progress = WorkProgress(ls, "lsp-codegen: optimize")
    await progress.begin(f"writing rewrites of {target.name}…")
    try:
        engine = await ls.models.engine()
        sandbox = await ls.sandboxes.sandbox()
        sources = await asyncio.to_thread(_workspace_tests, ls.workspace.root_path)
        report = await optimize(
            engine,
            ls.settings,
            sandbox,
            document.text,
            target,
            test_sources=sources,
            on_progress=progress.report,
        )
    except BaseException:
        progress.end("stopped")
        raise
    progress.end(report.summary())
    return report


def _replacement(
    ls: CodegenServer, document: Document, target: Target, source: str
) -> types.TextEdit:
    """A TextEdit replacing the function's lines with `source`."""
    index = document.line_index
    start = types.Position(line=target.first_line, character=0)
    after = target.last_line + 1
    end_offset = index.line_start(after) if after < index.line_count else len(document.text)
    end = to_position(document, end_offset, ls.encoding)
    if after >= index.line_count and not document.text.endswith(("\n", "\r")):
        source = source.rstrip("\n")
    return types.TextEdit(range=types.Range(start=start, end=end), new_text=source)


def _workspace_tests(root: str | None) -> list[str]:
    """The text of the workspace's test files (bounded), for calls to the function."""
    if not root:
        return []
    found: list[str] = []
    base = Path(root)
    patterns = ("tests/**/test_*.py", "tests/**/*_test.py", "test_*.py", "test/**/test_*.py")
    for pattern in patterns:
        for path in sorted(base.glob(pattern))[:_MAX_TEST_FILES]:
            try:
                if path.stat().st_size <= _MAX_TEST_BYTES:
                    found.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if len(found) >= _MAX_TEST_FILES:
                return found
    return found
