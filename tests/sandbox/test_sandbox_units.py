"""The pure parts: check instrumentation and messages, exit classification, results."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from lsp_codegen.sandbox import Check, Limits, Verdict, isolation, measure_startup, rlimits
from lsp_codegen.sandbox.outcome import Ending, Events, build_result, exit_signal, run_failure
from lsp_codegen.sandbox.pool import UidPool
from lsp_codegen.sandbox.process import WORKDIR_PREFIX, remove_stale_workdirs, remove_tree
from lsp_codegen.sandbox.worker import describe_failure, instrument, run_check, safe_repr


def run(source: str, namespace: dict[str, Any], label: str = "") -> dict[str, Any]:
    return run_check(0, {"source": source, "label": label or source}, namespace)


def test_compare_sides_are_evaluated_once_and_kept() -> None:
    namespace: dict[str, Any] = {"calls": [], "f": None}
    exec("def f(x):\n    calls.append(x)\n    return x * 2\n", namespace)
    event = run("assert f(3) == 7", namespace, "f(3) == 7")
    assert event["verdict"] == "failed"
    assert event["message"] == "f(3) == 7: got 6"
    assert namespace["calls"] == [3]  # the left side ran once, not again for the message
    assert "__sandbox_left__" not in namespace  # captured values do not leak into the next check


def test_other_assert_forms() -> None:
    namespace: dict[str, Any] = {"xs": [1, 2]}
    assert run("assert 5 in xs", namespace, "5 in")["message"] == "5 in: got 5, expected [1, 2]"
    chained = run("assert xs[0] < 1 < 2", namespace, "chained")
    assert chained["message"] == "chained: assertion failed"
    assert run("assert not xs", namespace, "not xs")["message"] == "not xs: got False"
    with_note = run("assert xs == [], 'oh no'", namespace, "xs == []")
    assert with_note["message"] == "xs == []: got [1, 2]: oh no"
    assert run("assert xs == [1, 2]", namespace)["verdict"] == "passed"
    # An AssertionError raised by the code itself, not by the check's assert.
    exec("def g():\n    assert False, 'inner'\n", namespace)
    assert run("g()", namespace, "g()")["message"] == "g(): AssertionError: inner"


def test_check_errors() -> None:
    namespace: dict[str, Any] = {}
    syntax = run("assert (", namespace, "broken")
    assert syntax["verdict"] == "error" and syntax["message"].startswith("broken: SyntaxError")
    assert run("1 / 0", namespace, "div")["message"] == "div: ZeroDivisionError: division by zero"
    assert run("raise SystemExit(2)", namespace, "exit")["message"] == "exit: SystemExit: 2"


def test_instrument_keeps_non_assert_statements() -> None:
    tree = instrument("x = 1\nassert x == 1\n")
    assert len(tree.body) == 2


def test_reprs_are_safe_and_short() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert safe_repr(Hostile()) == "<unprintable Hostile>"
    assert len(safe_repr("x" * 10_000)) == 300
    namespace = {"__sandbox_left__": "y" * 10_000}
    assert len(describe_failure("big", AssertionError(), namespace)) < 400


@pytest.mark.parametrize(
    ("code", "bubblewrap", "expected"),
    [
        (-11, False, 11),
        (139, True, 11),
        (139, False, None),
        (0, True, None),
        (None, True, None),
        (3, True, None),
    ],
)
def test_exit_signal(code: int | None, bubblewrap: bool, expected: int | None) -> None:
    assert exit_signal(code, bubblewrap) == expected


@pytest.mark.parametrize(
    ("ending", "verdict", "start"),
    [
        (Ending(-signal.SIGXCPU, 2.0), Verdict.TIMEOUT, "CPU time limit"),
        (Ending(-signal.SIGKILL, 5.0), Verdict.TIMEOUT, "CPU time limit"),
        (Ending(-signal.SIGKILL, 0.1), Verdict.MEMORY, "killed (SIGKILL)"),
        (Ending(-signal.SIGSEGV, 0.1), Verdict.CRASHED, "the interpreter crashed (SIGSEGV)"),
        (Ending(-signal.SIGABRT, 0.1, stderr="MemoryError"), Verdict.MEMORY, "memory limit"),
        (Ending(128 + signal.SIGABRT, 0.1, bubblewrap=True), Verdict.CRASHED, "the interpreter"),
        (Ending(None, 5.0, wall_kill=True), Verdict.TIMEOUT, "wall-clock limit reached (5 s)"),
        (Ending(None, 0.1, output_kill=True), Verdict.ERROR, "output limit"),
        (Ending(0, 0.1), Verdict.ERROR, "the process exited (status 0)"),
    ],
)
def test_run_failure(ending: Ending, verdict: Verdict, start: str) -> None:
    failure = run_failure(ending, Limits(), Events())
    assert failure is not None
    assert failure[0] is verdict
    assert failure[1].startswith(start)


def test_events_and_results() -> None:
    events = Events()
    for line in [
        b'{"t": "code", "verdict": "passed", "message": ""}',
        b"garbage",
        b"[1]",
        b'{"t": "begin", "i": 0}',
        b'{"t": "check", "i": 0, "verdict": "passed", "message": "", "seconds": 0.5}',
        b'{"t": "begin", "i": 1}',
    ]:
        events.feed(line)
    assert events.running == 1 and not events.done
    checks = [Check("assert a", "a"), Check("assert b", "b"), Check("assert c", "c")]
    result = build_result(checks, Limits(), events, Ending(-signal.SIGSEGV, 0.2, stdout="hi"))
    assert result.verdict is Verdict.CRASHED
    assert [c.verdict for c in result.checks] == [Verdict.PASSED, Verdict.CRASHED, Verdict.CRASHED]
    assert result.checks[0].seconds == 0.5
    assert result.checks[2].message.startswith("not run: ")
    assert (result.stdout, result.seconds, result.passed) == ("hi", 0.2, 1)


def test_uids_are_never_shared() -> None:
    draws = iter([100, 100, 101, 100, 102])
    pool = UidPool(100, 3, draw=lambda low, high: next(draws))
    assert (pool.take(), pool.take()) == (100, 101)  # the second 100 is in use: drawn again
    pool.give(100)
    assert (pool.take(), pool.take()) == (100, 102)
    with pytest.raises(RuntimeError):
        pool.take()
    real = UidPool(isolation.SANDBOX_UID_BASE, isolation.SANDBOX_UID_COUNT)
    uid = real.take()
    assert isolation.SANDBOX_UID_BASE <= uid < 2**31


def test_measure_startup_reports_medians() -> None:
    numbers = measure_startup(runs=2)
    assert set(numbers) == {"runs", "warm_p50_s", "cold_p50_s"}
    assert numbers["runs"] == 2
    assert numbers["warm_p50_s"] > 0 and numbers["cold_p50_s"] > 0


def test_stale_workdirs_of_dead_servers_are_removed(tmp_path: Path) -> None:
    child = subprocess.Popen(["true"])
    child.wait()
    stale = Path(tempfile.gettempdir(), f"{WORKDIR_PREFIX}{child.pid}-test")
    mine = Path(tempfile.gettempdir(), f"{WORKDIR_PREFIX}{os.getpid()}-test")
    for path in (stale, mine):
        path.mkdir()
        (path / "left.txt").write_text("x")
    try:
        remove_stale_workdirs()
        assert not stale.exists()
        assert mine.exists()  # a live server's (ours) stays
    finally:
        for path in (stale, mine):
            if path.exists():
                remove_tree(path)


@pytest.mark.parametrize("lists", [True, False], ids=["children-lists", "every-parent"])
def test_a_process_is_found_among_the_descendants(
    lists: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a pid namespace a process's inner pid is its host pid: the search finds a
    grandchild, through the kernel's children lists or, without them, every parent."""
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        deadline = time.monotonic() + 5
        while not (sleeps := rlimits._children(shell.pid)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(sleeps) == 1
        if not lists:
            monkeypatch.setattr(rlimits, "_children", rlimits._every_parent())
        assert rlimits.find_in_namespace(os.getpid(), sleeps[0]) == sleeps[0]
        assert rlimits.find_in_namespace(shell.pid, shell.pid) is None  # not a descendant
    finally:
        shell.kill()
        shell.wait()
