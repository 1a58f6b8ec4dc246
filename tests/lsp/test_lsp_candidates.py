""" "Show candidates": distinct candidates as code actions, best first, with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    SERVER,
    init_params,
    invoked_code_actions,
    resolved_change,
    tiny_options,
)

SOURCE = "# Return one.\n# one() == 1\ndef one():\n\n"
URI = "file:///one.py"


@pytest_lsp.fixture(config=SERVER)
async def two_answers(lsp_client: LanguageClient, two_answer_model_dir: Path):  # type: ignore[no-untyped-def]
    options = tiny_options(two_answer_model_dir, numCandidates=8, temperature=1.0, maxNewTokens=16)
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def test_distinct_candidates_are_listed_best_first(two_answers: LanguageClient) -> None:
    actions = await invoked_code_actions(two_answers, URI, SOURCE, 0)
    candidates = [a for a in actions if a.title.startswith("Candidate ")]
    # Eight samples of four coin-flip lines: several distinct candidates.
    assert len(candidates) >= 2
    verdicts = ["✓" in a.title.split(": ", 1)[1][:2] for a in candidates]
    assert all("/1 example · logp" in a.title for a in candidates)
    # Passing the example outranks likelihood: every ✓ comes before every ✗.
    assert verdicts == sorted(verdicts, reverse=True)
    change = await resolved_change(two_answers, candidates[0])
    first_line = change.edits[0].new_text.splitlines()[0]
    assert first_line == ("    return 1" if verdicts[0] else "    return 2")


async def test_without_examples_the_candidates_agreement_is_the_evidence(
    two_answers: LanguageClient,
) -> None:
    # No example in the comment: the candidates run on inputs derived from the type hints,
    # and those that behave alike (here: every "return 1", or every "return 2") rank first.
    source = "# Return a number.\ndef number(n: int) -> int:\n\n"
    actions = await invoked_code_actions(two_answers, "file:///number.py", source, 0)
    candidates = [a for a in actions if a.title.startswith("Candidate ")]
    assert len(candidates) >= 2
    agreeing, totals = [], set()
    for action in candidates:
        evidence = action.title.split(": ", 1)[1]
        assert evidence.startswith("\u2248 ") and " agree on " in evidence, evidence
        share = evidence.split(" ")[1]
        agreeing.append(int(share.split("/")[0]))
        totals.add(share.split("/")[1])
    assert len(totals) == 1 and int(totals.pop()) <= 8  # out of every sample shown
    assert agreeing == sorted(agreeing, reverse=True)  # the biggest group first
