""" "Run selection" over LSP: the function's examples or the selected code, in the sandbox."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import code_action_params, open_document

SOURCE = """# Return the n-th Fibonacci number.
# fib(0) == 0, fib(1) == 1, fib(10) == 55, fib(5) -> 6
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

print("side effect")
"""
URI = "file:///run.py"


async def _run_action(client: LanguageClient, params: types.CodeActionParams) -> types.Command:
    actions = await client.text_document_code_action_async(params)
    runs = [a for a in actions or [] if isinstance(a, types.Command) and a.title == "Run selection"]
    assert len(runs) == 1
    return runs[0]


async def _execute(client: LanguageClient, action: types.Command) -> dict[str, Any]:
    result: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command, arguments=action.arguments)
    )
    return result


async def test_run_function_checks_its_examples(client: LanguageClient) -> None:
    open_document(client, URI, SOURCE)
    action = await _run_action(client, code_action_params(URI, 4))
    result = await _execute(client, action)
    # fib(5) is 5, not 6: the last written example is wrong and is reported.
    assert result["verdict"] == "failed"
    assert (result["passed"], result["total"]) == (3, 4)
    assert "fib(5)" in result["message"]
    assert "side effect" not in result["stdout"]  # the script itself did not run
    shown = [m.message for m in client.messages if m.message.startswith("Run: ")]
    assert shown and "3/4" in shown[-1]


async def test_run_a_selection_shows_its_output(client: LanguageClient) -> None:
    open_document(client, URI, SOURCE)
    params = code_action_params(URI, 8)
    params.range = types.Range(
        start=types.Position(line=8, character=0), end=types.Position(line=8, character=20)
    )
    result = await _execute(client, await _run_action(client, params))
    assert result["verdict"] == "passed"
    assert result["stdout"].strip() == "side effect"


async def test_no_run_action_outside_functions_without_selection(client: LanguageClient) -> None:
    open_document(client, URI, SOURCE)
    actions = await client.text_document_code_action_async(code_action_params(URI, 8))
    assert not [a for a in actions or [] if a.title == "Run selection"]
