"""The arguments of the accept and partial-accept commands a client sends back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class BadAcceptance(ValueError):
    """Command arguments that do not describe an accepted candidate."""


@dataclass(frozen=True)
class Acceptance:
    """Which candidate of which document version the user accepted (all or part of)."""

    uri: str
    version: int
    candidate: int
    accepted_length: int | None = None  # partial accepts only


def parse_acceptance(arguments: Sequence[object], *, partial: bool = False) -> Acceptance:
    """Read `[{uri, version, candidate[, acceptedLength]}]`; raises BadAcceptance.

    `acceptedLength` (characters of the item's text now in the document) is
    required when `partial` is true.
    """
    if len(arguments) != 1 or not isinstance(arguments[0], dict):
        raise BadAcceptance("expected one object {uri, version, candidate}")
    data = arguments[0]
    uri = data.get("uri")
    if not isinstance(uri, str) or not uri:
        raise BadAcceptance("`uri` must be a non-empty string")
    length = _natural(data, "acceptedLength") if partial else None
    return Acceptance(uri, _natural(data, "version"), _natural(data, "candidate"), length)


def _natural(data: dict[object, object], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadAcceptance(f"`{key}` must be an integer ≥ 0, got {value!r}")
    return value
