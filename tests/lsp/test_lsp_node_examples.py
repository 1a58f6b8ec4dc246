"""JavaScript and TypeScript over LSP: candidates are run on the comment's examples in a
real Node, their titles carry the evidence, and "Run selection" runs a function's
examples; TypeScript without a compiler says why nothing ran."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_codegen.sandbox.node import NO_COMPILER, find_node
from tests.lsp.helpers import code_action_params, invoked_code_actions, open_document

NODE = find_node(None)[0]
pytestmark = pytest.mark.skipif(NODE is None, reason="Node is not installed here")
# Where Node strips TypeScript's types itself, there is always a way to run it.
without_a_compiler = pytest.mark.skipif(
    NODE is None or NODE.strips_types, reason="this Node strips TypeScript's types itself"
)

FUNCTION = """// Return the sum of the squares.
// sumOfSquares([1, 2, 3]) === 14, sumOfSquares([]) // => 0, sumOfSquares([2]) === 5
function sumOfSquares(xs) {
  return xs.reduce((total, x) => total + x * x, 0);
}

console.log("side effect");
"""


async def test_javascript_candidates_are_run_on_the_examples(client: LanguageClient) -> None:
    source = "// Return one.\n// one() === 1, one() + 1 -> 2\nfunction one() {\n}\n"
    actions = await invoked_code_actions(client, "file:///one.js", source, 0, "javascript")
    title = actions[1].title
    assert title.startswith("Candidate 1/1: ✓ 2/2 examples · logp"), title
    reports = [v for values in client.progress_reports.values() for v in values]
    assert "candidate 1/1 · passes 2/2" in [getattr(v, "message", None) for v in reports]


async def test_a_failing_javascript_example_is_shown_in_the_title(client: LanguageClient) -> None:
    source = "// Return two.\n// two() === 2\nfunction two() {\n}\n"
    actions = await invoked_code_actions(client, "file:///two.mjs", source, 0, "javascript")
    assert "✗ 0/1 example ·" in actions[1].title


@without_a_compiler
async def test_typescript_without_a_compiler_says_why(client: LanguageClient) -> None:
    source = "// Return one.\n// one() === 1\nfunction one(): number {\n}\n"
    actions = await invoked_code_actions(client, "file:///one.ts", source, 0, "typescript")
    assert actions[1].title.startswith("Candidate 1/1: examples not run · logp"), actions[1].title
    trace = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lsp-codegen.lastCompletion",
            arguments=[{"uri": "file:///one.ts", "kind": "codeAction"}],
        )
    )
    shown = [c for c in trace["candidates"] if c["shown"]]
    assert shown and {c["evidence"]["examples"] for c in shown} == {f"not run — {NO_COMPILER}"}


async def _run(client: LanguageClient, uri: str, line: int) -> dict[str, Any]:
    actions = await client.text_document_code_action_async(code_action_params(uri, line))
    runs = [a for a in actions or [] if isinstance(a, types.Command) and a.title == "Run selection"]
    assert len(runs) == 1
    result: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=runs[0].command, arguments=runs[0].arguments)
    )
    return result


async def test_run_selection_checks_a_javascript_functions_examples(
    client: LanguageClient,
) -> None:
    open_document(client, "file:///squares.js", FUNCTION, language="javascript")
    result = await _run(client, "file:///squares.js", 3)
    # sumOfSquares([2]) is 4, not 5: the last written example is wrong and is reported.
    assert result["verdict"] == "failed"
    assert (result["passed"], result["total"]) == (2, 3)
    assert "sumOfSquares([2]) === 5: got 4" in result["message"]
    assert "side effect" not in result["stdout"]  # the script itself did not run
    assert result["isolation"]


@without_a_compiler
async def test_run_selection_of_typescript_without_a_compiler_is_a_clear_error(
    client: LanguageClient,
) -> None:
    source = FUNCTION.replace("(xs) {", "(xs: number[]) {")
    open_document(client, "file:///squares.ts", source, language="typescript")
    with pytest.raises(Exception, match=NO_COMPILER):
        await _run(client, "file:///squares.ts", 3)
