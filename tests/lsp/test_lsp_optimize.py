""" "Optimize…" over LSP with scripted tiny models: a verified faster rewrite is offered
with its evidence; a rewrite that changes behaviour never is, and the reason is shown."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from lsp_codegen.server.command_ids import FUNCTION_ACTION
from lsp_codegen.server.errors import CONTENT_MODIFIED, INVALID_PARAMS
from tests.lsp.helpers import (
    SERVER,
    apply_text_edit,
    code_action_params,
    init_params,
    open_document,
    tiny_options,
    wait_ready,
)

# Quadratic: `x in ys` scans the list ys for every x.
SLOW = '''import math


def common(xs, ys):
    """The items of xs that are also in ys, in order.

    >>> common([1, 2, 3], [3, 1])
    [1, 3]
    """
    out = []
    for x in xs:
        if x in ys:
            out.append(x)
    return out


print(common([1], [1]))
'''
URI = "file:///slow.py"
FUNCTION_LINE = 10  # inside the body of `common`


@pytest_lsp.fixture(config=SERVER)
async def fast(lsp_client: LanguageClient, fast_rewrite_model_dir: Path):  # type: ignore[no-untyped-def]
    """The model rewrites `common` with a set: identical and faster."""
    await lsp_client.initialize_session(init_params(tiny_options(fast_rewrite_model_dir)))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def wrong(lsp_client: LanguageClient, wrong_rewrite_model_dir: Path):  # type: ignore[no-untyped-def]
    """The model "rewrites" `common` as a sorted set intersection: changed behaviour."""
    await lsp_client.initialize_session(init_params(tiny_options(wrong_rewrite_model_dir)))
    yield
    await lsp_client.shutdown_session()


async def _optimize_action(client: LanguageClient) -> types.CodeAction:
    actions = await client.text_document_code_action_async(code_action_params(URI, FUNCTION_LINE))
    found = [a for a in actions or [] if a.title.startswith("Optimize")]
    assert len(found) == 1 and isinstance(found[0], types.CodeAction), actions
    return found[0]


async def test_a_verified_faster_rewrite_is_offered(fast: LanguageClient) -> None:
    await wait_ready(fast)
    open_document(fast, URI, SLOW)
    action = await _optimize_action(fast)
    assert action.title == "Optimize…" and action.edit is None  # computed on resolve
    resolved = await fast.code_action_resolve_async(action)
    assert resolved.title.startswith("Optimize: ") and "faster · identical on" in resolved.title
    assert resolved.disabled is None and resolved.edit is not None
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 1  # versioned: refused over newer text
    (edit,) = change.edits
    after = apply_text_edit(SLOW, edit)
    assert "seen = set(ys)" in after and "out.append" not in after
    assert "print(common([1], [1]))" in after and '"""The items of xs' in after
    ast.parse(after)
    reports = [v for values in fast.progress_reports.values() for v in values]
    assert any("rewrite 1/1" in (getattr(v, "message", "") or "") for v in reports)
    # Listed again for this version: titled with the evidence, no second run.
    again = await _optimize_action(fast)
    assert again.title == resolved.title


async def test_a_rewrite_that_changes_behaviour_is_never_offered(wrong: LanguageClient) -> None:
    await wait_ready(wrong)
    open_document(wrong, URI, SLOW)
    resolved = await wrong.code_action_resolve_async(await _optimize_action(wrong))
    assert resolved.edit is None
    assert resolved.disabled is not None
    reason = resolved.disabled.reason
    assert "1 rewrite: 1 changed behaviour on input (" in reason, reason
    shown = [m.message for m in wrong.messages if m.message.startswith("Optimize")]
    assert shown and "changed behaviour" in shown[-1]
    listed = await _optimize_action(wrong)
    assert listed.disabled is not None and "changed behaviour" in listed.disabled.reason


async def test_no_optimize_outside_a_function(fast: LanguageClient) -> None:
    open_document(fast, URI, SLOW)
    actions = await fast.text_document_code_action_async(code_action_params(URI, 17))
    assert not [a for a in actions or [] if a.title.startswith(("Optimize", "Write tests"))]


@pytest_lsp.fixture(config=SERVER)
async def gemma(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    """The embedded default model through transformers (the engine the bench measured),
    two rewrites."""
    options = {"model": "default", "engine": "local", "numCandidates": 2}
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


# What a refusal may say: "<n> rewrite(s): <count> <reason> …" or no rewrite at all.
_REASONS = (
    r"changed behaviour|not faster|did not parse|same as the original|unfinished"
    r"|did not run|could not be verified"
)
_NOTHING = re.compile(
    rf"^Optimize: nothing qualifies — (the model wrote no rewrite"
    rf"|\d+ rewrites?: \d+ ({_REASONS}).*)$",
    re.DOTALL,
)


@pytest.mark.default_model
async def test_default_model_optimizes_or_says_why_not(gemma: LanguageClient) -> None:
    status = await wait_ready(gemma)
    assert status["ready"] and status["model"] == "gemma-3-270m", status
    open_document(gemma, URI, SLOW)
    resolved = await gemma.code_action_resolve_async(await _optimize_action(gemma))
    shown = [m.message for m in gemma.messages if m.message.startswith("Optimize")]
    if resolved.edit is None:
        assert resolved.disabled is not None
        assert _NOTHING.match(shown[-1]), shown
        return
    assert re.match(r"^Optimize: [\d.]+× faster · identical on \d+ inputs$", resolved.title)
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    ast.parse(apply_text_edit(SLOW, change.edits[0]))


async def test_bad_or_stale_action_data_gets_a_clear_error(fast: LanguageClient) -> None:
    open_document(fast, URI, SLOW)
    action = await _optimize_action(fast)
    with pytest.raises(JsonRpcException) as bad:
        await fast.workspace_execute_command_async(
            types.ExecuteCommandParams(command=FUNCTION_ACTION, arguments=[{"action": "optimize"}])
        )
    assert bad.value.code == INVALID_PARAMS and "malformed" in bad.value.message
    fast.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SLOW + "\n")],
        )
    )
    with pytest.raises(JsonRpcException) as stale:
        await fast.code_action_resolve_async(action)
    assert stale.value.code == CONTENT_MODIFIED
