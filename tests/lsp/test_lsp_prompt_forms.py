"""Prompt forms over a real session: in-context examples from another open file and the
comment restated as a docstring, seen through lsp-codegen.explainPrompt."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import open_document, wait_ready
from tests.lsp.test_lsp_neighbors import explain

MAIN = "file:///project/main.py"
DATES = "file:///project/dates.py"
MAIN_TEXT = "# Parse a date written as text.\ndef parse_day(text):"
PARSE_DATE = "# Parse an ISO date.\ndef parse_date(text):\n    return date.fromisoformat(text)\n"
DATES_TEXT = (
    "from datetime import date\n\n\n"
    + PARSE_DATE
    + "\n\nHOLIDAYS = [\n"
    + "".join(f"    '2026-01-{day:02}',\n" for day in range(1, 29))
    + "]\n"
)


async def test_the_open_files_nearest_function_and_the_docstring_are_in_the_prompt(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"context": {"otherFiles": 0, "inContextExamples": 0}}
        )
    )
    open_document(client, DATES, DATES_TEXT)
    open_document(client, MAIN, MAIN_TEXT)
    plain = await explain(client, MAIN, 1, 20)
    assert plain["prompt"] == MAIN_TEXT + "\n    "

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "context": {"otherFiles": 0, "inContextExamples": 1, "docstringFromComment": True}
            }
        )
    )
    answer = await explain(client, MAIN, 1, 20)
    assert answer["otherFiles"] == PARSE_DATE + "\n\n"
    restated = '\n    """Parse a date written as text."""\n    '
    assert answer["prompt"] == PARSE_DATE + "\n\n" + MAIN_TEXT + restated
    assert 0 < answer["tokens"] <= answer["contextTokens"]
