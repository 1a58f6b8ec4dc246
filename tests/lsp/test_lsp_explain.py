""" "Explain" over LSP with a scripted tiny model: the explanation goes above the
function as comment lines, and nothing else changes."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    SERVER,
    apply_text_edit,
    code_action_params,
    init_params,
    open_document,
    tiny_options,
    wait_ready,
)

SOURCE = """class Box:
    def common(self, xs, ys):
        return [x for x in xs if x in ys]


def common(xs, ys):
    out = []
    for x in xs:
        if x in ys:
            out.append(x)
    return out
"""
URI = "file:///explain.py"


@pytest_lsp.fixture(config=SERVER)
async def explainer(lsp_client: LanguageClient, explain_model_dir: Path):  # type: ignore[no-untyped-def]
    """The model explains in one sentence, whatever the code."""
    await lsp_client.initialize_session(init_params(tiny_options(explain_model_dir)))
    yield
    await lsp_client.shutdown_session()


async def _explain(client: LanguageClient, params: types.CodeActionParams) -> types.CodeAction:
    actions = await client.text_document_code_action_async(params)
    found = [a for a in actions or [] if a.title == "Explain"]
    assert len(found) == 1 and isinstance(found[0], types.CodeAction)
    return await client.code_action_resolve_async(found[0])


def _comments_only(text: str) -> bool:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return all(t.type in {tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER} for t in tokens)


async def test_explain_inserts_only_comments_above_the_function(explainer: LanguageClient) -> None:
    await wait_ready(explainer)
    open_document(explainer, URI, SOURCE)
    resolved = await _explain(explainer, code_action_params(URI, 8))
    assert resolved.edit is not None
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
    (edit,) = change.edits
    assert edit.range.start == edit.range.end == types.Position(line=5, character=0)
    assert _comments_only(edit.new_text), edit.new_text
    assert "`common` keeps the items of xs that also appear in ys" in edit.new_text
    after = apply_text_edit(SOURCE, edit)
    assert ast.dump(ast.parse(after)) == ast.dump(ast.parse(SOURCE))  # comments only


async def test_explain_a_selection_in_a_method_keeps_its_indentation(
    explainer: LanguageClient,
) -> None:
    await wait_ready(explainer)
    open_document(explainer, URI, SOURCE)
    params = code_action_params(URI, 2)
    params.range = types.Range(
        start=types.Position(line=2, character=0), end=types.Position(line=2, character=41)
    )
    resolved = await _explain(explainer, params)
    assert resolved.edit is not None
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert edit.new_text.startswith("        # This code keeps"), edit.new_text
    after = apply_text_edit(SOURCE, edit)
    assert ast.dump(ast.parse(after)) == ast.dump(ast.parse(SOURCE))


async def test_explain_a_selection_in_javascript_uses_its_comments(
    explainer: LanguageClient,
) -> None:
    source = "function add(a, b) {\n  return a + b;\n}\n"
    open_document(explainer, "file:///add.js", source, language="javascript")
    params = code_action_params("file:///add.js", 0)
    params.range = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=3, character=0)
    )
    resolved = await _explain(explainer, params)
    assert resolved.edit is not None
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert all(line.startswith("// ") for line in edit.new_text.splitlines()), edit.new_text


async def test_explain_shown_only_when_insert_is_off(explainer: LanguageClient) -> None:
    await wait_ready(explainer)
    explainer.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"explain": {"insert": False}})
    )
    open_document(explainer, URI, SOURCE)
    resolved = await _explain(explainer, code_action_params(URI, 8))
    assert resolved.edit is not None and not resolved.edit.document_changes
    assert not resolved.edit.changes  # nothing inserted
    # The message is sent before the resolve answer, on the same stream.
    shown = [m.message for m in explainer.messages]
    assert any("keeps the items of xs that also appear in ys" in m for m in shown), shown
