"""Following accepted items through the document's edits, and recording what is left.

How an accept is found in the text:
- inline and completion items: the accept command names an item of a recent answer
  (server/offers.py), which gives its text and insertion offset. The client applies the
  item, then sends the command; the text is looked for near that offset in the first
  document version after the one the item was made for — now, or in one of the next few
  changes when the command overtook the edit. Not found (the client changed it on the
  way in): nothing is followed.
- code actions ("Generate code from comment" and its candidates): the edit is versioned,
  so it can only be the change that comes right after the version it was built for; a
  change inserting exactly that text at that offset is the applied action.

Then a RetentionTracker (lsp_codegen/stats/retention.py, which says what counts) follows
every change, and a task writes one `retained` record at each checkpoint (30 s, 2 min,
10 min). A document closed before a checkpoint writes what it had at its close for every
checkpoint left, marked `closed`. Shutdown cancels the checkpoints not reached yet: they
are not written (and the share at a checkpoint is over the accepts that reached it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lsp_codegen.context.document import Change, Document, DocumentStore
from lsp_codegen.server.offers import Offer, OfferBook
from lsp_codegen.server.tasks import BackgroundTasks
from lsp_codegen.server.usage import UsageLog
from lsp_codegen.stats.acceptance import Acceptance
from lsp_codegen.stats.records import Kind
from lsp_codegen.stats.retention import (
    CHECKPOINTS,
    AcceptedKind,
    RetentionTracker,
    accepted_kind,
    locate,
)

log = logging.getLogger(__name__)

MAX_TRACKED = 64  # accepts followed at once; more are not measured
MAX_EXPECTED = 16  # code-action edits awaited per document (the candidates of one listing)
AWAIT_CHANGES = 4  # changes to wait for an accepted item's text before giving up

Edit = tuple[int, int, str, str]  # begin, end, new text, old text (offsets before the edit)


@dataclass
class _Track:
    uri: str
    language: str
    kind: AcceptedKind
    tracker: RetentionTracker
    recorded: int = 0  # checkpoints written so far
    task: asyncio.Task[None] | None = None


@dataclass
class _Awaiting:
    uri: str
    kind: AcceptedKind
    offer: Offer
    changes_left: int = AWAIT_CHANGES


@dataclass(frozen=True)
class _Expected:
    version: int
    offset: int
    text: str


@dataclass
class RetentionService:
    """Accepts being followed, and the checkpoints at which they are recorded.

    `checkpoints` (seconds after the accept) is injectable: tests use short ones.
    """

    documents: DocumentStore
    usage: UsageLog
    tasks: BackgroundTasks
    checkpoints: tuple[float, ...] = CHECKPOINTS
    offers: OfferBook = field(default_factory=OfferBook)
    _tracks: list[_Track] = field(default_factory=list)
    _awaiting: list[_Awaiting] = field(default_factory=list)
    _expected: dict[str, list[_Expected]] = field(default_factory=dict)
    _stopped: bool = False

    def offered(self, uri: str, request: Kind, result: object, encoding: str) -> None:
        """An inline or completion answer went out: keep its items for an accept."""
        document = self.documents.get(uri)
        if document is not None and self._active():
            self.offers.remember(document, request, result, encoding)

    def expect_edit(self, uri: str, version: int, offset: int, text: str) -> None:
        """A code action's edit inserting `text` at `offset` of `version` was handed out."""
        if self._active() and text:
            kept = [e for e in self._expected.get(uri, []) if e.version == version]
            self._expected[uri] = [*kept[-(MAX_EXPECTED - 1) :], _Expected(version, offset, text)]

    def accepted(self, acceptance: Acceptance) -> AcceptedKind | None:
        """The user accepted an item: its kind (None when the item is unknown), and
        its text followed from the version that holds it."""
        offer = self.offers.take(acceptance.uri, acceptance.version, acceptance.candidate)
        if offer is None:
            return None
        kind = accepted_kind(offer.request, offer.text)
        document = self.documents.get(acceptance.uri)
        if document is not None and self._active():
            waiting = _Awaiting(acceptance.uri, kind, offer)
            if document.version == offer.version or not self._found(waiting, document):
                self._awaiting.append(waiting)  # the edit has not arrived yet
        return kind

    def changed(
        self, before: Document, after: Document, changes: Sequence[Change], encoding: str
    ) -> None:
        """Follow one didChange (`changes` turned `before` into `after`)."""
        tracks = [t for t in self._tracks if t.uri == after.uri]
        expected = [e for e in self._expected.pop(after.uri, []) if e.version == before.version]
        if tracks or expected:
            for begin, end, new_text, old_text in _edits(before, changes, encoding):
                for track in tracks:
                    track.tracker.edit(begin, end, new_text, old_text)
                if _applied(expected, begin, end, new_text):
                    expected = []  # one edit per version: the others can no longer apply
                    self.usage.action_applied(after.uri)
                    action = self._start(after, "codeAction", begin, len(new_text))
                    tracks.extend([action] if action is not None else [])
        self._retry(after)

    def closed(self, uri: str) -> None:
        """The document closed: record what it had for every checkpoint left."""
        for track in [t for t in self._tracks if t.uri == uri]:
            if track.task is not None:
                track.task.cancel()
            for seconds in self.checkpoints[track.recorded :]:
                self._record(track, seconds, closed=True)
            self._tracks.remove(track)
        self._awaiting = [a for a in self._awaiting if a.uri != uri]
        self._expected.pop(uri, None)
        self.offers.forget(uri)

    def stop(self) -> None:
        """Shutdown: cancel every checkpoint not reached (nothing more is written)."""
        self._stopped = True
        for track in self._tracks:
            if track.task is not None:
                track.task.cancel()
        self._tracks.clear()
        self._awaiting.clear()
        self._expected.clear()

    def _active(self) -> bool:
        return not self._stopped and self.usage.recording()

    def _retry(self, document: Document) -> None:
        for waiting in [a for a in self._awaiting if a.uri == document.uri]:
            waiting.changes_left -= 1
            if waiting.offer.version != document.version and self._found(waiting, document):
                self._awaiting.remove(waiting)
            elif waiting.changes_left <= 0:
                self._awaiting.remove(waiting)
                log.debug("accepted text not found in %s; not followed", document.uri)

    def _found(self, waiting: _Awaiting, document: Document) -> bool:
        """Start following `waiting` if its text is in `document` (CRLF-converted too)."""
        text = waiting.offer.text
        for form in dict.fromkeys((text, text.replace("\n", "\r\n"))):
            offset = locate(document.text, form, waiting.offer.offset)
            if offset is not None:
                self._start(document, waiting.kind, offset, len(form))
                return True
        return False

    def _start(
        self, document: Document, kind: AcceptedKind, offset: int, length: int
    ) -> _Track | None:
        if len(self._tracks) >= MAX_TRACKED:
            log.debug("already following %d accepts; this one is not measured", MAX_TRACKED)
            return None
        track = _Track(document.uri, document.language_id, kind, RetentionTracker(offset, length))
        self._tracks.append(track)
        track.task = self.tasks.spawn(self._checkpoints(track), name="retention checkpoints")
        return track

    async def _checkpoints(self, track: _Track) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        for seconds in self.checkpoints:
            await asyncio.sleep(max(0.0, started + seconds - loop.time()))
            self._record(track, seconds, closed=False)
        self._tracks.remove(track)

    def _record(self, track: _Track, seconds: float, *, closed: bool) -> None:
        track.recorded += 1
        tracker = track.tracker
        self.usage.retained(
            track.language, track.kind, seconds, tracker.accepted, tracker.retained, closed=closed
        )


def _applied(expected: list[_Expected], begin: int, end: int, new_text: str) -> bool:
    """Whether this change is one of the expected code-action edits (CRLF or not)."""
    inserted = new_text.replace("\r\n", "\n")
    return begin == end and any(e.offset == begin and e.text == inserted for e in expected)


def _edits(before: Document, changes: Sequence[Change], encoding: str) -> Iterator[Edit]:
    """Each change as string offsets in the text it applies to (the one after the change
    before it), with the text it replaces."""
    document = before
    for index, (change_range, new_text) in enumerate(changes):
        if change_range is None:
            begin, end = 0, len(document.text)
        else:
            lines = document.line_index
            first = lines.offset_at(change_range[0][0], change_range[0][1], encoding)
            last = lines.offset_at(change_range[1][0], change_range[1][1], encoding)
            begin, end = min(first, last), max(first, last)
        yield begin, end, new_text, document.text[begin:end]
        if index + 1 < len(changes):  # the common single change needs no replay
            document = document.replaced(begin, end, new_text)
