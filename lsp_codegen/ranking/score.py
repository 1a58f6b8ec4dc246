"""Ordering candidates: the one place that says which evidence outranks which.

Gates run cheapest first, and every result is recorded in the candidate's
evidence:

1. `postprocess` cuts each raw continuation into the code to insert; empty
   ones are dropped.
2. Identical texts are merged.
3. Syntax (`syntax.check_syntax`): the document must still parse with the
   code in it. Failures are not shown; they go to `Ranking.rejected` with
   the reason, for a user who wants to see why. When every candidate fails,
   the longest start of each that parses is shown instead (`salvage`: whole
   lines, else a token boundary of the first line), noted as "salvaged".
4. Candidates with the same normalized AST (`normalize.normalized_ast`:
   formatting, comments and docstrings ignored) are merged, keeping the best
   by `score_key`; "votes" counts how many raw candidates each one stands for.
5. Lint (optional, Python only; `lint.lint_findings`): ruff findings on the
   candidate's lines.
6. Examples (`with_runs`): sandbox results computed elsewhere for the
   examples in the comment (`examples.extract_examples`).

`score_key` orders the shown candidates, comparing these in turn (each one
only decides between candidates that tie on everything above it):

======== ============ ============================================ ============
priority gate         compared value                               better
======== ============ ============================================ ============
1        syntax       parses (every shown candidate does)          yes
2        examples     passed / total; 0 when not run               more
3        agreement    share of candidates behaving the same on     more
                      derived inputs (`with_agreement`; only
                      without examples; 0 for a printer or a
                      None-returner)
4        likelihood   mean log-prob per token, in LOGPROB_STEP     higher
                      steps (closer means are a tie)
5        efficiency   total check seconds, by factors of ten above faster
                      EFFICIENCY_FLOOR_SECONDS; only when some
                      example passed (so it compares candidates
                      that pass the same number)
6        readability  lint findings, then non-blank characters     fewer
7        tie-break    exact mean log-prob, then engine order       higher,
                                                                   earlier
======== ============ ============================================ ============

Evidence keys (JSON values): "syntax" ("ok", a note such as "no parser for
cobol", or "error: <why>" for rejected ones), "mean_logprob", "tokens",
"finish_reason", "votes", "salvaged" (what was cut to make it parse), and
"merged" (engine indices of the duplicates merged into this one, when there
are any); with lint: "lint" (count) and "lint_findings"; with sandbox runs:
"examples" ("2/3"), "seconds" (total check time), "run" (the run's verdict)
and "failed" (failing examples, why); when the examples could not run at all
(`examples_not_run`), "examples" says why ("not run — no TypeScript compiler in
this workspace"); with agreement: "agree" ("5/8": raw candidates behaving the same),
"agreeInputs" (how many inputs), "prints" and "returnsNone" (marks).
`RankedCandidate.score` stays the mean log-probability.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.lint import lint_findings
from lsp_codegen.ranking.normalize import normalized_ast
from lsp_codegen.ranking.postprocess import postprocess
from lsp_codegen.ranking.salvage import salvage
from lsp_codegen.ranking.syntax import check_syntax, splice
from lsp_codegen.sandbox.types import CheckResult, RunResult, Verdict

# Stands in for the mean of no (or non-finite) log-probabilities: lower than any
# real mean, and unlike -inf it survives JSON.
FLOOR_LOGPROB = -1e9

# Mean log-probabilities closer than this (in the same step) tie, so that
# efficiency and readability can decide between near-equally likely candidates.
LOGPROB_STEP = 0.05
# Check times up to this are all "instant"; above it, each factor of ten is a step.
EFFICIENCY_FLOOR_SECONDS = 0.001
_MAX_FAILED_SHOWN = 3
NOT_RUN = "not run"
_LINT_WORKERS = 8


@dataclass(frozen=True)
class Candidate:
    """One raw continuation from the engine."""

    index: int
    text: str
    logprobs: tuple[float, ...]
    finish_reason: str | None
    beyond: str = ""  # what the engine wrote past the cut (a stop, an unfinished line)

    @property
    def mean_logprob(self) -> float:
        """Mean log-probability per token; FLOOR_LOGPROB with no tokens."""
        if not self.logprobs:
            return FLOOR_LOGPROB
        mean = math.fsum(self.logprobs) / len(self.logprobs)
        return mean if math.isfinite(mean) else FLOOR_LOGPROB


@dataclass(frozen=True)
class RankedCandidate:
    """A cleaned candidate ready to show, with the evidence for its place."""

    text: str
    score: float
    evidence: dict[str, object]
    index: int

    def examples_passed(self) -> tuple[int, int] | None:
        """(passed, total) of the prompt's examples; None when they were not run."""
        return _examples(self.evidence)

    def failures(self) -> list[str]:
        """The failing examples and why ("product([2, 3]) == 6: got 0"), at most three."""
        failed = self.evidence.get("failed")
        return [str(item) for item in failed] if isinstance(failed, list) else []

    def title(self) -> str:
        """A short evidence label, e.g. "✓ 3/3 examples · logp −0.31 · 0.02 ms".

        Without sandbox results: "logp −0.41 · 12 tokens"; a candidate that
        fails to parse starts with "✗ syntax".
        """
        parts: list[str] = []
        if _syntax_failed(self.evidence):
            parts.append("\u2717 syntax")
        examples = _examples(self.evidence)
        if str(self.evidence.get("examples", "")).startswith(NOT_RUN):
            parts.append("examples " + NOT_RUN)
        if examples is not None:
            passed, total = examples
            mark = "\u2713" if passed == total else "\u2717"
            parts.append(f"{mark} {passed}/{total} example" + ("" if total == 1 else "s"))
        parts += _agreement_words(self.evidence)
        parts.append(f"logp {_signed(self.score)}")
        seconds = self.evidence.get("seconds")
        tokens = self.evidence.get("tokens")
        if isinstance(seconds, (int, float)) and examples is not None:
            parts.append(_duration(float(seconds)))
        elif isinstance(tokens, int):
            parts.append(f"{tokens} token" + ("" if tokens == 1 else "s"))
        lint = self.evidence.get("lint")
        if isinstance(lint, int) and lint:
            parts.append(f"{lint} lint")
        return " · ".join(parts)


@dataclass(frozen=True)
class Rejected:
    """A candidate that is not shown, and why."""

    candidate: RankedCandidate
    reason: str  # e.g. "syntax: candidate line 2: invalid syntax"


@dataclass(frozen=True)
class Ranking:
    """Shown candidates best first, and the rejected ones in engine order."""

    shown: list[RankedCandidate]
    rejected: list[Rejected] = field(default_factory=list)
    emptied: int = 0  # raw candidates that post-processing left empty (nothing to insert)

    def why_empty(self) -> str:
        """Why nothing is shown, in words for the log and the user (when `shown` is empty)."""
        if not self.rejected and not self.emptied:
            return "the model wrote no candidate"
        parts = []
        if self.emptied:
            parts.append(f"{self.emptied} empty after clean-up")
        if self.rejected:
            reasons = "; ".join(sorted({r.reason for r in self.rejected}))
            parts.append(f"{len(self.rejected)} rejected, none salvageable ({reasons})")
        return ", ".join(parts)


def score_key(candidate: RankedCandidate) -> tuple[float, ...]:
    """Sort key implementing the priority table in the module docstring (lower is better)."""
    evidence = candidate.evidence
    examples = _examples(evidence)
    passed, total = examples if examples is not None else (0, 0)
    seconds = evidence.get("seconds")
    speed = 0
    if passed and isinstance(seconds, (int, float)):
        speed = _speed_step(float(seconds))
    lint = evidence.get("lint")
    return (
        1 if _syntax_failed(evidence) else 0,
        -(passed / total) if total else 0.0,
        -_agreement(evidence),
        -_likelihood_step(candidate.score),
        speed,
        lint if isinstance(lint, int) else 0,
        sum(1 for char in candidate.text if not char.isspace()),
        -candidate.score,
        candidate.index,
    )


def rank(
    candidates: Sequence[Candidate], insertion: Insertion, *, lint: bool = False
) -> list[RankedCandidate]:
    """Clean, check, de-duplicate and order candidates; the ones to show, best first."""
    return rank_all(candidates, insertion, lint=lint).shown


def rank_all(
    candidates: Sequence[Candidate], insertion: Insertion, *, lint: bool = False
) -> Ranking:
    """The cheap gates (postprocess, syntax, likelihood, duplicates, optional lint)."""
    by_text: dict[str, RankedCandidate] = {}
    emptied = 0
    for candidate in candidates:
        text = postprocess(candidate.text, insertion)
        if text:
            _merge_into(by_text, text, _ranked(candidate, text))
        else:
            emptied += 1
    passed: list[tuple[str, RankedCandidate]] = []
    rejected: list[Rejected] = []
    for text, ranked in by_text.items():
        result = check_syntax(insertion, text)
        if not result.ok:
            evidence = {**ranked.evidence, "syntax": f"error: {result.detail}"}
            failed = replace(ranked, evidence=evidence)
            rejected.append(Rejected(failed, f"syntax: {result.detail}"))
            continue
        ranked = replace(ranked, evidence={**ranked.evidence, "syntax": result.detail})
        passed.append((text, ranked))
    if not passed:
        passed = _salvaged(rejected, insertion)
    kept = _merge_equivalent(passed, insertion.language)
    if lint and insertion.language.lower() == "python":
        kept = _with_lint(kept, insertion)
    rejected.sort(key=lambda item: item.candidate.index)
    return Ranking(sorted(kept, key=score_key), rejected, emptied)


def _salvaged(
    rejected: Sequence[Rejected], insertion: Insertion
) -> list[tuple[str, RankedCandidate]]:
    """The parsing starts of the rejected candidates (see `salvage`)."""
    kept = []
    for dropped in rejected:
        found = salvage(dropped.candidate.text, insertion)
        if found is not None:
            evidence = {
                **dropped.candidate.evidence,
                "syntax": found.syntax.detail,
                "salvaged": found.note,
            }
            kept.append(
                (found.text, replace(dropped.candidate, text=found.text, evidence=evidence))
            )
    return kept


def _merge_equivalent(
    passed: Sequence[tuple[str, RankedCandidate]], language: str
) -> list[RankedCandidate]:
    """The candidates with those equal up to formatting merged (see normalized_ast)."""
    if len(passed) < 2:
        return [ranked for _, ranked in passed]  # nothing to merge: no parse for a key
    shown: dict[str, RankedCandidate] = {}
    for text, ranked in passed:
        key = normalized_ast(text, language) or " ".join(text.split())
        _merge_into(shown, key, ranked)
    return list(shown.values())


def with_runs(
    ranking: Ranking, runs: Mapping[int, RunResult], *, total: int | None = None
) -> Ranking:
    """`ranking` reordered with sandbox results, keyed by `RankedCandidate.index`.

    `total` is how many examples each run had to check; by default the most
    checks any run reports (a run that failed before its checks reports none).
    Pure: nothing runs here.
    """
    if total is None:
        total = max((len(run.checks) for run in runs.values()), default=0)
    return _with_evidence(ranking, {i: _run_evidence(run, total) for i, run in runs.items()})


def with_agreement(
    ranking: Ranking, signatures: Mapping[int, str | None], inputs: int, marks: Mapping[int, str]
) -> Ranking:
    """`ranking` reordered by how many raw candidates (votes) behave like each one:
    `signatures` by engine index (the same string for the same behaviour on `inputs`
    derived inputs, None for one that did not run); `marks`: "prints" or "returnsNone"."""
    votes = {c.index: _votes(c) for c in ranking.shown}
    total = sum(votes.values())
    ran = {index: signature for index, signature in signatures.items() if signature is not None}
    alike: dict[str, int] = {}
    for index, signature in ran.items():
        alike[signature] = alike.get(signature, 0) + votes.get(index, 0)
    added: dict[int, dict[str, object]] = {
        index: {"agree": f"{alike[signature]}/{total}", "agreeInputs": inputs}
        for index, signature in ran.items()
    }
    for index, mark in marks.items():
        added.setdefault(index, {})[mark] = True
    return _with_evidence(ranking, added)


def examples_not_run(ranking: Ranking, reason: str) -> Ranking:
    """`ranking` with every shown candidate's evidence saying why its examples did not run."""
    note = {"examples": f"{NOT_RUN} \u2014 {reason}"}
    return _with_evidence(ranking, {candidate.index: note for candidate in ranking.shown})


def _with_evidence(ranking: Ranking, added: Mapping[int, Mapping[str, object]]) -> Ranking:
    """`ranking` with `added` merged into the evidence of the candidates it names (by
    engine index), reordered: the one way the later gates add what they found."""
    shown = [
        replace(c, evidence={**c.evidence, **added[c.index]}) if c.index in added else c
        for c in ranking.shown
    ]
    return Ranking(sorted(shown, key=score_key), list(ranking.rejected), ranking.emptied)


def rank_with_runs(
    candidates: Sequence[Candidate],
    insertion: Insertion,
    runs: Mapping[int, RunResult],
    *,
    total: int | None = None,
    lint: bool = False,
) -> Ranking:
    """`rank_all` then `with_runs`: every gate, with sandbox results computed elsewhere."""
    return with_runs(rank_all(candidates, insertion, lint=lint), runs, total=total)


# --- building evidence -----------------------------------------------------------


def _ranked(candidate: Candidate, text: str) -> RankedCandidate:
    score = candidate.mean_logprob
    evidence: dict[str, object] = {
        "mean_logprob": score,
        "tokens": len(candidate.logprobs),
        "finish_reason": candidate.finish_reason,
        "votes": 1,
    }
    return RankedCandidate(text, score, evidence, candidate.index)


def _merge_into(kept: dict[str, RankedCandidate], key: str, ranked: RankedCandidate) -> None:
    """Add `ranked` under `key`, keeping the better one and summing the votes."""
    other = kept.get(key)
    if other is None:
        kept[key] = ranked
        return
    winner = ranked if score_key(ranked) < score_key(other) else other
    votes = _votes(other) + _votes(ranked)
    merged = {other.index, ranked.index, *_merged(other), *_merged(ranked)} - {winner.index}
    evidence = {**winner.evidence, "votes": votes, "merged": sorted(merged)}
    kept[key] = replace(winner, evidence=evidence)


def _with_lint(candidates: list[RankedCandidate], insertion: Insertion) -> list[RankedCandidate]:
    def lint_one(candidate: RankedCandidate) -> RankedCandidate:
        spliced = splice(insertion, candidate.text)
        result = lint_findings(spliced.text, (spliced.first_line, spliced.last_line))
        if not result.available:
            return candidate
        evidence = {**candidate.evidence, "lint": result.count, "lint_findings": result.findings}
        return replace(candidate, evidence=evidence)

    if len(candidates) <= 1:
        return [lint_one(candidate) for candidate in candidates]
    with ThreadPoolExecutor(max_workers=min(_LINT_WORKERS, len(candidates))) as pool:
        return list(pool.map(lint_one, candidates))


def _run_evidence(run: RunResult, total: int) -> dict[str, object]:
    evidence: dict[str, object] = {
        "run": run.verdict.value,
        "seconds": math.fsum(check.seconds for check in run.checks),
    }
    if total:
        evidence["examples"] = f"{min(run.passed, total)}/{total}"
        failed = [_failure(check) for check in run.checks if check.verdict is not Verdict.PASSED]
        if run.verdict is not Verdict.PASSED and not failed:
            failed = [run.message or run.verdict.value]
        if failed:
            evidence["failed"] = failed[:_MAX_FAILED_SHOWN]
    return evidence


def _failure(check: CheckResult) -> str:
    """ "product([2, 3]) == 6: got 0": the example, then what went wrong (the sandbox's
    message already starts with the example when it could say what the code returned)."""
    label, message = check.check.label, check.message or check.verdict.value
    return message if message.startswith(label) else f"{label}: {message}"


# --- reading evidence --------------------------------------------------------------


def _agreement(evidence: Mapping[str, object]) -> float:
    """The share of candidates that behave like this one on derived inputs (0 without
    that evidence, or for one that prints or returns None everywhere: agreeing on doing
    nothing is no evidence)."""
    if evidence.get("prints") or evidence.get("returnsNone"):
        return 0.0
    share = _fraction(evidence.get("agree"))
    return share[0] / share[1] if share is not None else 0.0


def _agreement_words(evidence: Mapping[str, object]) -> list[str]:
    """ "≈ 5/8 agree on 12 inputs", and a mark for a printer or a None-returner."""
    words = []
    if isinstance(evidence.get("agree"), str):
        words.append(f"\u2248 {evidence['agree']} agree on {evidence.get('agreeInputs')} inputs")
    if evidence.get("prints"):
        words.append("prints instead of returning")
    elif evidence.get("returnsNone"):
        words.append("returns None everywhere")
    return words


def _examples(evidence: Mapping[str, object]) -> tuple[int, int] | None:
    """(passed, total) from an "examples" value like "2/3"; None when absent."""
    return _fraction(evidence.get("examples"))


def _fraction(value: object) -> tuple[int, int] | None:
    """(part, total) from an evidence value like "2/3"; None for anything else or a zero total."""
    if not isinstance(value, str):
        return None
    part, _, total = value.partition("/")
    if not (part.isdigit() and total.isdigit()) or int(total) == 0:
        return None
    return int(part), int(total)


def _syntax_failed(evidence: Mapping[str, object]) -> bool:
    syntax = evidence.get("syntax")
    return isinstance(syntax, str) and syntax.startswith("error")


def _merged(candidate: RankedCandidate) -> list[int]:
    merged = candidate.evidence.get("merged")
    if not isinstance(merged, list):
        return []
    return [index for index in merged if isinstance(index, int)]


def _votes(candidate: RankedCandidate) -> int:
    votes = candidate.evidence.get("votes")
    return votes if isinstance(votes, int) else 1


def _likelihood_step(score: float) -> int:
    if not math.isfinite(score):  # a score read back from a report, say
        score = FLOOR_LOGPROB
    # round() first so that e.g. -0.2 / 0.05 = -4.000000000000001 lands on step -4.
    return math.floor(round(score / LOGPROB_STEP, 6))


def _speed_step(seconds: float) -> int:
    if not math.isfinite(seconds) or seconds <= EFFICIENCY_FLOOR_SECONDS:
        return 0
    return 1 + math.floor(round(math.log10(seconds / EFFICIENCY_FLOOR_SECONDS), 6))


def _duration(seconds: float) -> str:
    if seconds < 1.0:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.2f} s"


def _signed(value: float) -> str:
    text = f"{value:.2f}"
    if text == "-0.00":
        return "0.00"
    return text.replace("-", "\u2212")
