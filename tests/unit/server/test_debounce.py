"""The debounce follows the user's typing rhythm and the recent answer latency."""

from __future__ import annotations

from lsp_codegen.server.debounce import MAX_DELAY_S, TypingRhythm


def _typing(every: float, keys: int = 6) -> TypingRhythm:
    rhythm = TypingRhythm()
    for key in range(keys):
        rhythm.keystroke("a", now=key * every)
    return rhythm


def test_no_wait_when_the_user_is_not_typing() -> None:
    assert TypingRhythm().delay("a", now=0.0) == 0.0
    rhythm = _typing(0.1)
    assert rhythm.delay("a", now=10.0) == 0.0  # paused for seconds
    assert rhythm.delay("other", now=0.6) == 0.0


def test_waits_a_little_longer_than_the_typing_interval_when_answers_are_slow() -> None:
    rhythm = _typing(0.1)
    rhythm.answered(0.8)
    assert 0.1 < rhythm.delay("a", now=0.55) < 0.2


def test_no_wait_when_answers_come_faster_than_keystrokes() -> None:
    rhythm = _typing(0.2)
    rhythm.answered(0.05)
    assert rhythm.delay("a", now=1.05) == 0.0


def test_the_wait_is_capped() -> None:
    rhythm = _typing(0.9)
    rhythm.answered(5.0)
    assert rhythm.delay("a", now=4.6) == MAX_DELAY_S


def test_typing_means_an_edit_within_a_typing_pause() -> None:
    rhythm = TypingRhythm()
    assert not rhythm.typing("a", now=0.0)  # never edited
    rhythm.keystroke("a", now=1.0)  # one keystroke is enough: no rhythm needed yet
    assert rhythm.typing("a", now=1.5)
    assert not rhythm.typing("a", now=3.0)  # paused
    assert not rhythm.typing("other", now=1.5)
    rhythm.forget("a")
    assert not rhythm.typing("a", now=1.5)
