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


LONG = "file:///project/long.py"
LONG_START = (
    "import csv\nfrom pathlib import Path\n\nLIMIT = 10\n\n\ndef read_rows(path):\n    ...\n"
)
LONG_FILLER = "".join(f"setting_{i} = {i}  # one of many module settings\n" for i in range(400))
LONG_END = "\n\n# read_rows of the file, at most LIMIT\ndef first_rows(path):\n    "


async def test_a_long_files_cut_off_imports_and_mentioned_definitions_come_back(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    quiet = {"otherFiles": 0, "inContextExamples": 0}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"contextTokens": 512, "context": {**quiet, "fileHeader": True}}
        )
    )
    text = LONG_START + LONG_FILLER + LONG_END
    open_document(client, LONG, text)
    line = text.count("\n")
    answer = await explain(client, LONG, line, 4)
    header = (
        "import csv\nfrom pathlib import Path\n\nLIMIT = 10\ndef read_rows(path):\n    ...\n\n\n"
    )
    assert answer["fileHeader"] == header
    assert answer["prompt"].startswith(header + "setting_") and answer["prompt"].endswith(LONG_END)
    assert answer["tokens"] <= 512

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"contextTokens": 512, "context": {**quiet, "fileHeader": False}}
        )
    )
    answer = await explain(client, LONG, line, 4)
    assert answer["fileHeader"] == "" and answer["prompt"].startswith("setting_")
