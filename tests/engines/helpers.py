"""Helpers for the engine tests: remote settings, and collecting a generation's updates
(conftest.py holds only the fixtures)."""

from __future__ import annotations

import ast

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_codegen.config import RemoteSettings, parse_settings
from lsp_codegen.engine.base import CancelToken, CandidateUpdate, Engine, GenerationRequest
from tests.lsp.helpers import (
    apply_text_edit,
    inline_params,
    invoked_code_actions,
    open_document,
    wait_ready,
)

SOURCE = (
    "# Return the sum of the squares of the numbers in xs.\n"
    "def sum_of_squares(xs):\n"
    "\n"
    "\n"
    "print(sum_of_squares([1, 2, 3]))\n"
)
URI = "file:///squares.py"
# Greedy first candidate plus one sampled; a time limit a busy shared CPU cannot reach.
OPTIONS = {
    "model": "default",
    "numCandidates": 2,
    "maxNewTokens": 32,
    "temperature": 0.7,
    "maxTimeMs": 120000,
    "inline": {"maxTimeMs": 120000},
}


def remote(url: str, **overrides: object) -> RemoteSettings:
    """Remote settings for `url`, with camelCase overrides; no logprobs unless asked
    (llama-cpp-python's server makes each token several times slower with them)."""
    raw = {"url": url, "logprobs": False, **overrides}
    settings, problems = parse_settings({"remote": raw})
    assert not problems, problems
    return settings.remote


async def collect(
    engine: Engine, request: GenerationRequest, cancel: CancelToken | None = None
) -> dict[int, list[CandidateUpdate]]:
    """Every update of a generation, by candidate."""
    updates: dict[int, list[CandidateUpdate]] = {}
    async for update in engine.stream(request, cancel or CancelToken()):
        updates.setdefault(update.index, []).append(update)
    return updates


def text_of(updates: list[CandidateUpdate]) -> str:
    """A candidate's final text (cut where a stop ended it)."""
    text = "".join(u.delta for u in updates)
    end = updates[-1].text_end
    return text if end is None else text[:end]


async def inline_and_actions(client: LanguageClient, engine: str) -> None:
    """Inline text, then the comment's candidates as code actions, one of which parses."""
    status = await wait_ready(client)
    assert status["ready"], status
    assert status["settings"]["engine"] == engine
    open_document(client, URI, SOURCE)
    inline = await client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(inline, types.InlineCompletionList) and inline.items
    actions = await invoked_code_actions(client, URI, SOURCE, 0)
    ranked = [a for a in actions if isinstance(a, types.CodeAction) and "logp" in a.title]
    assert ranked, [a.title for a in actions]  # candidates titled with their evidence
    resolved = [await client.code_action_resolve_async(a) for a in ranked]
    edits = [edit_of(a) for a in resolved if a.edit is not None]
    edited = [apply_text_edit(SOURCE, e) for e in edits if e is not None]
    assert any(parses(text) and "return" in text for text in edited), edited


def edit_of(action: types.CodeAction) -> types.TextEdit | None:
    """The text edit a resolved code action carries, if any."""
    assert action.edit is not None
    for change in action.edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            edit = change.edits[0]
            assert isinstance(edit, types.TextEdit)
            return edit
    return None


def parses(text: str) -> bool:
    """True when `text` is valid Python."""
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True
