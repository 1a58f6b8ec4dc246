""" "Write tests for this function": tests from the model and the docstring's examples,
run against the current function; only the passing ones go into tests/test_<module>.py,
created when it does not exist."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from lsp_codegen.actions.write_tests import (
    GeneratedTest,
    appended_tests,
    module_name,
    new_tests_file,
    path_for_tests,
    write_tests,
)
from lsp_codegen.context.document import Document
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import ActionOutcome, ActionRequest, versioned_edit
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.progress import WorkProgress

TITLE = "Write tests for this function"


async def run(ls: CodegenServer, request: ActionRequest) -> ActionOutcome:
    """Write, run and keep the passing tests; the edit creates or extends the test file."""
    document, target = request.document, request.target
    if target is None:
        raise invalid_params("Write tests works on a top-level Python function")
    if not to_fs_path(document.uri):
        raise invalid_params("Write tests needs the module saved as a file (a file: URI)")
    progress = WorkProgress(ls, "lsp-codegen: write tests")
    await progress.begin(f"writing tests for {target.name}…")
    try:
        engine = await ls.models.engine()
        sandbox = await ls.sandboxes.sandbox()
        written = await write_tests(engine, ls.settings, sandbox, document.text, target)
    except BaseException:
        progress.end("stopped")
        raise
    progress.end(written.summary())
    if not written.passing:
        return ActionOutcome(TITLE, None, f"Write tests: no passing test — {written.summary()}")
    edit = _edit(ls, document, written.passing, target.name)
    return ActionOutcome(TITLE, edit, f"Write tests: {written.summary()}")


def _edit(
    ls: CodegenServer, document: Document, tests: list[GeneratedTest], function: str
) -> types.WorkspaceEdit:
    source = Path(to_fs_path(document.uri) or "")
    root = Path(ls.workspace.root_path) if ls.workspace.root_path else source.parent
    path = Path(path_for_tests(root, source))
    module = module_name(root, source)
    uri = from_fs_path(str(path)) or path.as_uri()
    open_document = ls.documents.get(uri)
    if open_document is not None:
        text = appended_tests(open_document.text, tests, module, function)
        end = to_position(open_document, len(open_document.text), ls.encoding)
        change = versioned_edit(open_document, [_insert(end, text)])
        return types.WorkspaceEdit(document_changes=[change])
    if path.exists():
        existing = path.read_text(encoding="utf-8", errors="replace")
        return _unopened_edit(uri, existing, appended_tests(existing, tests, module, function))
    create = types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
    return types.WorkspaceEdit(
        document_changes=[
            create,
            _unversioned(
                uri, types.Position(line=0, character=0), new_tests_file(tests, module, function)
            ),
        ]
    )


def _unopened_edit(uri: str, existing: str, text: str) -> types.WorkspaceEdit:
    end = Document(uri, "python", 0, existing)
    line, character = end.line_index.position_at(len(existing))
    at = types.Position(line=line, character=character)
    return types.WorkspaceEdit(document_changes=[_unversioned(uri, at, text)])


def _unversioned(uri: str, at: types.Position, text: str) -> types.TextDocumentEdit:
    # A file the client has not opened has no version to check against (LSP: null).
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
        edits=[_insert(at, text)],
    )


def _insert(at: types.Position, text: str) -> types.TextEdit:
    return types.TextEdit(range=types.Range(start=at, end=at), new_text=text)
