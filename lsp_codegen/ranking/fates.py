"""What became of each raw candidate: shown, or dropped and why (for a request's trace).

Read back from a ranking's outcome, never by ranking again: the gates in `score`
record what they kept (the shown candidates, with the indices they merged) and
what they rejected (with the reason); a raw candidate in neither was left empty
by post-processing, or was still being written when an early answer was ranked.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from lsp_codegen.ranking.score import Candidate, RankedCandidate, Rejected

DUPLICATE_OF = "duplicate of candidate "

# Finish reasons that mean a budget cut the candidate short.
_CUT = {"time": "the time budget", "length": "the token budget"}


@dataclass(frozen=True)
class Fate:
    """One raw candidate's text, whether it is shown (and where), and why not."""

    index: int
    text: str
    shown_at: int | None  # its place among the shown candidates, best first
    evidence: dict[str, object]
    dropped: str | None  # None when shown
    beyond: str = ""  # what the engine wrote past the cut


def fates(
    raw: Sequence[Candidate],
    shown: Sequence[RankedCandidate],
    rejected: Sequence[Rejected],
    *,
    held_back: Collection[int] = (),
) -> list[Fate]:
    """The fate of every raw candidate, in engine order. `held_back`: candidates left out
    of an early ranking because their line was still being written."""
    place = {candidate.index: at for at, candidate in enumerate(shown)}
    merged_into = {
        index: candidate.index for candidate in shown for index in _merged(candidate.evidence)
    }
    why_rejected = {item.candidate.index: item for item in rejected}
    for item in rejected:
        merged_into.update(dict.fromkeys(_merged(item.candidate.evidence), item.candidate.index))
    found = []
    for candidate in raw:
        index = candidate.index
        if index in place:
            ranked = shown[place[index]]
            fate = Fate(index, candidate.text, place[index], ranked.evidence, None)
        elif index in why_rejected:
            item = why_rejected[index]
            fate = Fate(index, candidate.text, None, item.candidate.evidence, item.reason)
        else:
            dropped = _dropped(candidate, merged_into.get(index), index in held_back)
            fate = Fate(index, candidate.text, None, {}, dropped)
        found.append(replace(fate, beyond=candidate.beyond))
    return found


def _dropped(candidate: Candidate, duplicate_of: int | None, held_back: bool) -> str:
    if duplicate_of is not None:
        return f"{DUPLICATE_OF}{duplicate_of}"
    if held_back:
        return "its line was still being written when the answer was sent"
    if not candidate.text.strip():
        return _empty(candidate)
    return "nothing left after clean-up (it repeated the text after the cursor, or only closed it)"


def _empty(candidate: Candidate) -> str:
    cut = _CUT.get(candidate.finish_reason or "")
    if cut is not None:
        return f"cut by {cut} before a whole line was written"
    after = candidate.beyond.strip().split("\n", 1)[0]
    if candidate.finish_reason == "stop" and after:
        return f"ended at once: what it wrote next is outside this block ({after!r})"
    if candidate.finish_reason == "eos":
        return "the model ended its answer at once (end of text)"
    return "the model wrote nothing"


def _merged(evidence: dict[str, object]) -> list[int]:
    merged = evidence.get("merged")
    return [i for i in merged if isinstance(i, int)] if isinstance(merged, list) else []
