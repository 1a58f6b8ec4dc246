"""Context from other open files, seen through lsp-codegen.explainPrompt over a real session."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import open_document, wait_ready

MAIN = "file:///project/main.py"
UTILS = "file:///project/utils.py"
MAIN_TEXT = "import utils\n\nresult = "
UTILS_TEXT = "def only_in_utils(a, b):\n    return a + b\n"


async def explain(client: LanguageClient, uri: str, line: int, character: int) -> dict[str, Any]:
    """The prompt the server would send for a cursor position."""
    arguments = [{"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}]
    answer: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lsp-codegen.explainPrompt", arguments=arguments)
    )
    return answer


async def test_a_name_from_another_open_file_is_in_the_prompt(client: LanguageClient) -> None:
    await wait_ready(client)
    no_examples = {"inContextExamples": 0}  # only the other files before this one
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"context": no_examples})
    )
    open_document(client, MAIN, MAIN_TEXT)
    alone = await explain(client, MAIN, 2, 9)
    assert "only_in_utils" not in alone["prompt"] and alone["otherFiles"] == ""

    open_document(client, UTILS, UTILS_TEXT)
    answer = await explain(client, MAIN, 2, 9)
    assert answer["otherFiles"] == "# File: utils.py\n" + UTILS_TEXT
    assert answer["prompt"] == answer["otherFiles"] + MAIN_TEXT  # first, then this file
    assert 0 < answer["tokens"] <= answer["contextTokens"]

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"context": {"otherFiles": 0, **no_examples}})
    )
    off = await explain(client, MAIN, 2, 9)
    assert off["prompt"] == MAIN_TEXT


async def test_typing_in_the_current_file_keeps_the_other_files_part(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    open_document(client, UTILS, UTILS_TEXT)
    open_document(client, MAIN, MAIN_TEXT)
    before = await explain(client, MAIN, 2, 9)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=MAIN, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=2, character=9),
                        end=types.Position(line=2, character=9),
                    ),
                    text="only_",
                )
            ],
        )
    )
    after = await explain(client, MAIN, 2, 14)
    assert after["version"] == 2
    assert after["otherFiles"] == before["otherFiles"] != ""
    assert after["prompt"] == before["prompt"] + "only_"


async def test_explain_prompt_rejects_bad_arguments(client: LanguageClient) -> None:
    await wait_ready(client)
    with pytest.raises(Exception, match="explainPrompt takes") as failure:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lsp-codegen.explainPrompt", arguments=[MAIN])
        )
    assert "textDocument" in str(failure.value)
    with pytest.raises(Exception, match="not open"):
        await explain(client, "file:///nowhere.py", 0, 0)
