"""A trace as text a person reads: the editors' "why" panels and `generate --trace`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

_TEXT_LINES = 6  # lines of each candidate's text shown


def render(trace: Mapping[str, object]) -> str:
    """`trace` (RequestTrace.as_json) as a few readable sections."""
    lines = [str(trace.get("summary", ""))]
    request = trace.get("request")
    if isinstance(request, Mapping):
        lines.append(_request_line(trace.get("id"), request, trace.get("totalMs")))
    lines += ["", "stages:"]
    lines += [f"  {_stage_line(stage)}" for stage in _mappings(trace.get("stages"))]
    candidates = _mappings(trace.get("candidates"))
    lines += ["", f"candidates ({len(candidates)}):" if candidates else "candidates: none"]
    for candidate in candidates:
        lines += _candidate_lines(candidate)
    return "\n".join(lines) + "\n"


def _request_line(ident: object, request: Mapping[str, object], total: object) -> str:
    position = request.get("position")
    where = ""
    if isinstance(position, Mapping):
        where = f" at {position.get('line', 0)}:{position.get('character', 0)}"
    took = f" · {total} ms" if total is not None else ""
    joined = request.get("joined")
    shared = f" · answered from request {joined}'s generation" if joined is not None else ""
    return (
        f"request {ident}: {request.get('kind')} ({request.get('trigger')}){where}"
        f" · document v{request.get('version')}{took}{shared}"
    )


def _stage_line(stage: Mapping[str, object]) -> str:
    details = ", ".join(
        str(value) if key == "note" else f"{key} {value}"
        for key, value in stage.items()
        if key not in {"stage", "ms"}
    )
    return f"{stage.get('stage')}: {stage.get('ms')} ms" + (f" ({details})" if details else "")


def _candidate_lines(candidate: Mapping[str, object]) -> list[str]:
    if candidate.get("shown"):
        head = f"#{candidate.get('index')} shown, rank {_rank(candidate.get('rank'))}"
    else:
        head = f"#{candidate.get('index')} dropped: {candidate.get('dropped')}"
    evidence = candidate.get("evidence")
    if isinstance(evidence, Mapping) and evidence:
        head += " · " + ", ".join(f"{k} {_short(v)}" for k, v in evidence.items())
    text = str(candidate.get("text", ""))
    body = text.splitlines()[:_TEXT_LINES] or ["(empty)"]
    more = ["    …"] if len(text.splitlines()) > _TEXT_LINES else []
    beyond = str(candidate.get("beyond") or "").strip().split("\n", 1)[0]
    cut = [f"    ✂ then: {beyond}"] if beyond else []
    return [f"  {head}", *(f"    | {line}" for line in body), *more, *cut]


def _rank(rank: object) -> str:
    return str(rank + 1) if isinstance(rank, int) else "?"


def _short(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _mappings(value: object) -> Sequence[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]
