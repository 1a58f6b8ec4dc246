"""The evaluation's results as JSON (for tools) and as one self-contained HTML page (for people).

The HTML page needs nothing but a browser: styles are inline, the chart is an
inline SVG, and there is no script.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Iterable, Mapping
from html import escape
from pathlib import Path

from lsp_codegen.config import to_wire
from lsp_codegen.evaluation.ablation import ablation
from lsp_codegen.evaluation.runner import CandidateResult, EvalRun, Metrics, ProblemResult

FORMAT_VERSION = 1  # bumped when a key changes meaning or goes away
JSON_NAME = "report.json"
HTML_NAME = "report.html"


def write_report(run: EvalRun, out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.html into `out_dir` (created if needed); return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = report_data(run)
    json_path = out_dir / JSON_NAME
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path = out_dir / HTML_NAME
    html_path.write_text(render_html(run), encoding="utf-8")
    return json_path, html_path


def report_data(run: EvalRun) -> dict[str, object]:
    """The JSON report: settings, model, totals and every candidate's evidence and verdict."""
    data: dict[str, object] = {
        "format": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "model": run.model,
        "source": run.source,
        "ranking": run.ranking,
        "settings": to_wire(run.settings),
        "seconds": run.seconds,
        "interrupted": run.interrupted,
        "totals": totals(run.metrics),
        "ablation": ablation(run.results),
        "problems": [_problem(result) for result in run.results],
    }
    return {key: _jsonable(value) for key, value in data.items()}


def totals(metrics: Metrics) -> dict[str, object]:
    """The counts and rates of `metrics` as a flat dict."""
    return {
        "problems": metrics.problems,
        "first_sample": metrics.first_sample,
        "ranked": metrics.ranked,
        "oracle": metrics.oracle,
        "generation_errors": metrics.generation_errors,
        "candidates": metrics.candidates,
        "verdicts": metrics.verdicts,
        "pass_at_1_first_sample": metrics.pass_at_1_first_sample,
        "pass_at_1_ranked": metrics.pass_at_1_ranked,
        "pass_at_n_oracle": metrics.pass_at_n_oracle,
        "selection_efficiency": metrics.selection_efficiency,
    }


def _problem(result: ProblemResult) -> dict[str, object]:
    return {
        "task_id": result.task_id,
        "prompt": result.prompt,
        "first_sample_passed": result.first_sample_passed,
        "ranked_passed": result.ranked_passed,
        "oracle_passed": result.oracle_passed,
        "first_sample_rank": result.first_sample_rank,
        "note": result.note,
        "error": result.error,
        "generation_seconds": result.generation_seconds,
        "judge_seconds": result.judge_seconds,
        "examples": result.examples,
        "candidates": [_candidate(candidate) for candidate in result.candidates],
        "rejected": [
            {"index": r.index, "reason": r.reason, "evidence": r.evidence, "text": r.text}
            for r in result.rejected
        ],
    }


def _candidate(candidate: CandidateResult) -> dict[str, object]:
    return {
        "rank": candidate.rank,
        "index": candidate.index,
        "score": candidate.score,
        "verdict": candidate.verdict,
        "passed": candidate.passed,
        "message": candidate.message,
        "seconds": candidate.seconds,
        "evidence": candidate.evidence,
        "text": candidate.text,
    }


def _jsonable(value: object) -> object:
    """`value` with only JSON types: non-finite floats become null, unknown objects text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    # Evidence a later ranking gate adds may hold any object; keep a readable trace.
    return repr(value)


def summary(metrics: Metrics, n: int, picks: Mapping[str, int] | None = None) -> str:
    """The totals as a few aligned lines for the terminal; `picks`: the ablation's rows
    (the ranked pick without each signal)."""
    total = metrics.problems

    def line(name: str, count: int, rate: float) -> str:
        return f"{name:<22} {rate * 100:5.1f}% ({count}/{total})"

    efficiency = metrics.selection_efficiency
    lines = [
        line("pass@1 first sample", metrics.first_sample, metrics.pass_at_1_first_sample),
        line("pass@1 ranked", metrics.ranked, metrics.pass_at_1_ranked),
        line(f"pass@{n} oracle", metrics.oracle, metrics.pass_at_n_oracle),
        f"{'selection efficiency':<22} "
        + ("n/a (no candidate passed)" if efficiency is None else f"{efficiency * 100:5.1f}%"),
    ]
    for row, count in (picks or {}).items():
        if row != "all":
            lines.append(line(f"pass@1 ranked {row}", count, count / total if total else 0.0))
    if metrics.generation_errors:
        lines.append(f"{'generation errors':<22} {metrics.generation_errors}")
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #b42318; }
pre { background: #f7f7f7; padding: .5em; margin: .3em 0; overflow-x: auto; font-size: 13px; }
details summary { cursor: pointer; }
.muted { color: #666; }
"""

# Chart bars: (label, colour).
_BARS = (
    ("first sample", "#8c8c8c"),
    ("ranked", "#2f6fdf"),
    ("oracle (any of N)", "#1a7f37"),
)


def render_html(run: EvalRun) -> str:
    """The whole report page as HTML text."""
    metrics = run.metrics
    n = run.settings.num_candidates
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>lsp-codegen eval: {escape(run.model)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>lsp-codegen eval · {escape(run.model)}</h1>",
        _facts(run),
        "<h2>Pass rate</h2>",
        bar_chart(metrics, n),
        _totals_table(metrics, n),
    ]
    results = run.results
    lost = [r for r in results if r.oracle_passed and not r.ranked_passed]
    beat = [r for r in results if r.ranked_passed and not r.first_sample_passed]
    worse = [r for r in results if r.first_sample_passed and not r.ranked_passed]
    parts += [
        f"<h2>Ranked choice lost to the oracle ({len(lost)})</h2>",
        '<p class="muted">Some candidate passed, but not the one ranked first.</p>',
        _comparison_table(lost, "a passing candidate", _first_passing),
        f"<h2>Ranked choice beat the first sample ({len(beat)})</h2>",
        '<p class="muted">The greedy sample failed; the ranked choice passed.</p>',
        _comparison_table(beat, "the first sample", _greedy),
        f"<h2>Ranked choice lost to the first sample ({len(worse)})</h2>",
        '<p class="muted">The greedy sample passed; the ranked choice did not.</p>',
        _comparison_table(worse, "the first sample", _greedy),
        f"<h2>All problems ({len(results)})</h2>",
        _all_problems(results),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def bar_chart(metrics: Metrics, n: int) -> str:
    """An inline SVG bar chart: first-sample vs ranked pass@1 vs oracle pass@N, in percent."""
    width, height, top, bottom, left = 460, 260, 20, 40, 44
    plot = height - top - bottom
    rates = (
        metrics.pass_at_1_first_sample,
        metrics.pass_at_1_ranked,
        metrics.pass_at_n_oracle,
    )
    counts = (metrics.first_sample, metrics.ranked, metrics.oracle)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="pass rates: first sample, ranked, oracle">'
    ]
    for percent in (0, 25, 50, 75, 100):
        y = top + plot - plot * percent / 100
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{percent}%</text>"
        )
    slot = (width - left - 10) / len(_BARS)
    for position, ((label, colour), rate, count) in enumerate(
        zip(_BARS, rates, counts, strict=True)
    ):
        bar_height = plot * rate
        x = left + slot * position + slot * 0.2
        y = top + plot - bar_height
        name = f"{label} (pass@{n})" if position == 2 else f"{label} (pass@1)"
        out.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{bar_height:.1f}" fill="{colour}"><title>{escape(name)}: '
            f"{count}/{metrics.problems}</title></rect>"
            f'<text x="{x + slot * 0.3:.1f}" y="{y - 5:.1f}" font-size="12" '
            f'text-anchor="middle">{rate * 100:.1f}%</text>'
            f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + 16}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _facts(run: EvalRun) -> str:
    settings = run.settings
    rows = [
        ("model", run.model),
        ("problems", run.source or "(unnamed)"),
        ("candidates per problem (N)", str(settings.num_candidates)),
        ("ranking", _RANKING_NAMES.get(run.ranking, run.ranking)),
        ("temperature / top-p", f"{settings.temperature:g} / {settings.top_p:g}"),
        ("max new tokens", str(settings.max_new_tokens)),
        ("time", f"{run.seconds:.1f} s"),
    ]
    if run.interrupted:
        rows.append(("status", "interrupted: only the problems that finished are counted"))
    return _table(("", ""), [(escape(k), escape(v)) for k, v in rows], header=False)


_RANKING_NAMES = {
    "thorough": "thorough (prompt examples run in the sandbox, lint), as for explicit actions",
    "inline": "inline (syntax, likelihood, duplicates only), as for inline completion",
}


def _totals_table(metrics: Metrics, n: int) -> str:
    efficiency = metrics.selection_efficiency
    rows = [
        ("pass@1, first sample", _fraction(metrics.first_sample, metrics.problems)),
        ("pass@1, ranked", _fraction(metrics.ranked, metrics.problems)),
        (f"pass@{n}, oracle", _fraction(metrics.oracle, metrics.problems)),
        (
            "selection efficiency (ranked / oracle)",
            "n/a (no candidate passed)" if efficiency is None else f"{efficiency * 100:.1f}%",
        ),
        ("generation errors", str(metrics.generation_errors)),
        (
            "candidate verdicts",
            ", ".join(f"{name} {count}" for name, count in metrics.verdicts.items()) or "none",
        ),
    ]
    return _table(("metric", "value"), [(escape(k), escape(v)) for k, v in rows])


def _fraction(count: int, total: int) -> str:
    percent = count / total * 100 if total else 0.0
    return f"{percent:.1f}% ({count}/{total})"


# Picks the candidate a problem's ranked choice is compared with.
_Pick = Callable[[ProblemResult], CandidateResult | None]


def _first_passing(result: ProblemResult) -> CandidateResult | None:
    return next((c for c in result.candidates if c.passed), None)


def _greedy(result: ProblemResult) -> CandidateResult | None:
    rank = result.first_sample_rank
    return None if rank is None else result.candidates[rank]


def _comparison_table(
    results: list[ProblemResult],
    other_name: str,
    other_of: _Pick,
) -> str:
    if not results:
        return '<p class="muted">None.</p>'
    rows = []
    for result in results:
        ranked = result.candidates[0] if result.candidates else None
        other = other_of(result)
        rows.append(
            (
                escape(result.task_id),
                _candidate_cell(ranked, "ranked choice"),
                _candidate_cell(other, other_name) if other else escape(result.note or "none"),
            )
        )
    return _table(("problem", "ranked choice", other_name), rows)


def _candidate_cell(candidate: CandidateResult | None, name: str) -> str:
    if candidate is None:
        return "none"
    return (
        f"{_verdict(candidate)} · {escape(_describe(candidate))}"
        f"<details><summary>{escape(name)}</summary><pre>{escape(candidate.text)}</pre>"
        f"{_message(candidate)}</details>"
    )


def _all_problems(results: Iterable[ProblemResult]) -> str:
    rows = []
    for result in results:
        details = "".join(
            f"<details><summary>#{c.rank + 1} {_verdict(c)} · {escape(_describe(c))}</summary>"
            f"<pre>{escape(c.text)}</pre>{_message(c)}</details>"
            for c in result.candidates
        ) + "".join(
            f'<details><summary><span class="muted">not shown · sample {r.index} · '
            f"{escape(r.reason)}</span></summary><pre>{escape(r.text)}</pre></details>"
            for r in result.rejected
        )
        remarks = " ".join(escape(x) for x in (result.error or "", result.note) if x)
        prompt = (
            f"<details><summary>prompt</summary><pre>{escape(result.prompt)}</pre></details>"
            if result.prompt
            else ""
        )
        rows.append(
            (
                escape(result.task_id) + prompt,
                _mark(result.first_sample_passed),
                _mark(result.ranked_passed),
                _mark(result.oracle_passed),
                details or '<span class="muted">no candidates</span>',
                remarks,
            )
        )
    return _table(("problem", "first", "ranked", "oracle", "candidates", "notes"), rows)


def _describe(candidate: CandidateResult) -> str:
    text = f"sample {candidate.index}, score {candidate.score:.2f}"
    votes = candidate.evidence.get("votes")
    if isinstance(votes, int) and votes > 1:
        text += f", {votes} votes"
    return text


def _verdict(candidate: CandidateResult) -> str:
    css = "pass" if candidate.passed else "fail"
    return f'<span class="{css}">{escape(candidate.verdict)}</span>'


def _message(candidate: CandidateResult) -> str:
    if not candidate.message:
        return ""
    return f'<pre class="muted">{escape(candidate.message)}</pre>'


def _mark(passed: bool) -> str:
    return '<span class="pass">✓</span>' if passed else '<span class="fail">✗</span>'


def _table(
    columns: tuple[str, ...], rows: Iterable[tuple[str, ...]], *, header: bool = True
) -> str:
    """A table of already-escaped cells."""
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)
