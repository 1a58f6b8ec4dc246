"""Random edit sequences through didChange keep the server's copy equal to a reference copy.

The reference here is written independently of the server's position code: it
splits lines with a regex and measures characters by encoding them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lsp.raw_client import RawServer

ENCODINGS = ["utf-16", "utf-8", "utf-32"]
_PIECES = [
    "a",
    "é",
    "e\u0301",
    "中文",
    "😀",
    "👩‍💻",
    "\t",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\x0c",
]
_uris = count()


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(text)
    codec = "utf-16-le" if encoding == "utf-16" else "utf-8"
    return len(text.encode(codec, "surrogatepass")) // (2 if encoding == "utf-16" else 1)


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """The LSP position of str offset `offset` (at a character boundary, not inside CRLF)."""
    starts = _line_starts(text)
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return line, _units(text[starts[line] : offset], encoding)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (fractions of the length, snapped to valid offsets)."""

    start: float
    end: float
    text: str


def _valid_offsets(text: str) -> list[int]:
    # Never between "\r" and "\n": that is no LSP position at all.
    return [
        i for i in range(len(text) + 1) if not (0 < i < len(text) and text[i - 1 : i + 1] == "\r\n")
    ]


def _apply(text: str, edit: Edit) -> tuple[str, dict[str, object]]:
    offsets = _valid_offsets(text)
    begin, finish = sorted(offsets[int(f * (len(offsets) - 1))] for f in (edit.start, edit.end))
    return text[:begin] + edit.text + text[finish:], {"start": begin, "end": finish}


_texts = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
_edits = st.builds(Edit, st.floats(0, 1), st.floats(0, 1), _texts)


@pytest.fixture(scope="module", params=ENCODINGS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[RawServer, str]]:
    encoding: str = request.param
    raw = RawServer()
    raw.initialize(general={"positionEncodings": [encoding]})
    yield raw, encoding
    raw.close()


def _range(text: str, span: dict[str, object], encoding: str) -> dict[str, object]:
    start = reference_position(text, int(span["start"]), encoding)  # type: ignore[call-overload]
    end = reference_position(text, int(span["end"]), encoding)  # type: ignore[call-overload]
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def _server_state(raw: RawServer, uri: str) -> dict[str, object]:
    params = {"command": "lsp-codegen.documentState", "arguments": [uri]}
    return raw.request("workspace/executeCommand", params, timeout=5)["result"]  # type: ignore[no-any-return]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(initial=_texts, batches=st.lists(st.lists(_edits, min_size=1, max_size=3), max_size=6))
def test_incremental_changes_match_the_reference(
    server: tuple[RawServer, str], initial: str, batches: list[list[Edit]]
) -> None:
    raw, encoding = server
    uri = f"file:///sync/{next(_uris)}.py"
    document = {"uri": uri, "languageId": "python", "version": 1, "text": initial}
    raw.notify("textDocument/didOpen", {"textDocument": document})
    text = initial
    for version, batch in enumerate(batches, start=2):
        changes = []
        for edit in batch:  # each change applies to the text the previous one produced
            new_text, span = _apply(text, edit)
            changes.append({"range": _range(text, span, encoding), "text": edit.text})
            text = new_text
        identifier = {"uri": uri, "version": version}
        raw.notify(
            "textDocument/didChange", {"textDocument": identifier, "contentChanges": changes}
        )
    state = _server_state(raw, uri)
    assert state["length"] == len(text)
    assert state["sha256"] == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    assert state["version"] == len(batches) + 1
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
