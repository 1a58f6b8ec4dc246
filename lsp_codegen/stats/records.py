"""One statistics record per event, and its JSON-lines form.

A record carries the document's language id, counts and a latency — nothing that
identifies a file or its text (no URI, path, name or code). A `retained` record says how
many characters of one accepted item were still there some seconds after the accept
(see lsp_codegen/stats/retention.py for what counts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from lsp_codegen.stats.retention import ACCEPTED_KINDS, AcceptedKind

Event = Literal["shown", "accepted", "partial", "retained"]
Kind = Literal["inline", "completion"]
EVENTS: tuple[Event, ...] = ("shown", "accepted", "partial", "retained")
KINDS: tuple[Kind, ...] = ("inline", "completion")
FORMAT_VERSION = 1
_COMPACT = json.JSONEncoder(separators=(",", ":"))  # json.dumps builds one per call


@dataclass(frozen=True)
class Record:
    """One event: a result answered (`shown`), an accept, a partial accept, or how much
    of an accept is left at a checkpoint (`retained`)."""

    event: Event
    time: float  # seconds since the epoch
    language: str  # the document's LSP languageId ("unknown" when it was closed)
    kind: Kind | None = None  # shown: which request answered
    latency_ms: float | None = None  # shown: request received → answer sent
    candidates: int | None = None  # shown: how many items the answer held
    candidate: int | None = None  # accepted / partial: the candidate's index
    accepted_length: int | None = None  # partial: characters accepted
    accepted_kind: AcceptedKind | None = None  # accepted / retained: which kind of item
    after_seconds: float | None = None  # retained: the checkpoint, seconds after the accept
    accepted_chars: int | None = None  # retained: characters the accept inserted
    retained_chars: int | None = None  # retained: of those, still there at the checkpoint
    closed: bool | None = None  # retained: True when counted at the document's close


_WIRE = {
    "event": "event",
    "time": "time",
    "language": "language",
    "kind": "kind",
    "latency_ms": "latencyMs",
    "candidates": "candidates",
    "candidate": "candidate",
    "accepted_length": "acceptedLength",
    "accepted_kind": "acceptedKind",
    "after_seconds": "afterSeconds",
    "accepted_chars": "acceptedChars",
    "retained_chars": "retainedChars",
    "closed": "closed",
}


def to_line(record: Record) -> str:
    """The record as one line of JSON (fields that are None are left out)."""
    data: dict[str, object] = {"v": FORMAT_VERSION}
    for name, wire in _WIRE.items():
        value = getattr(record, name)
        if value is not None:
            data[wire] = value
    return _COMPACT.encode(data) + "\n"


def from_line(line: str) -> Record | None:
    """The record on one line, or None when the line is not a valid record."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return _record(data)
    except ValueError:
        return None


def _record(data: dict[str, object]) -> Record:
    event = next((e for e in EVENTS if e == data.get("event")), None)
    if event is None:
        raise ValueError("event")
    time, language = data.get("time"), data.get("language")
    if isinstance(time, bool) or not isinstance(time, int | float):
        raise ValueError("time")
    if not isinstance(language, str):
        raise ValueError("language")
    return Record(
        event=event,
        time=float(time),
        language=language,
        kind=next((k for k in KINDS if k == data.get("kind")), None),
        latency_ms=_number(data.get("latencyMs")),
        candidates=_count(data.get("candidates")),
        candidate=_count(data.get("candidate")),
        accepted_length=_count(data.get("acceptedLength")),
        accepted_kind=next((k for k in ACCEPTED_KINDS if k == data.get("acceptedKind")), None),
        after_seconds=_number(data.get("afterSeconds")),
        accepted_chars=_count(data.get("acceptedChars")),
        retained_chars=_count(data.get("retainedChars")),
        closed=_flag(data.get("closed")),
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value
