"""Every verdict, produced by real code in a real worker, in both isolation modes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from lsp_codegen.sandbox import Check, Limits, Verdict, isolation
from lsp_codegen.sandbox.interpreter import Interpreter
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import open_sandbox, processes_with

# One sandbox per mode for the whole module (a cold start is ~0.1-0.3 s; most tests
# here need no fresh one): the tests and that fixture share the module's event loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module", params=["bubblewrap", "rlimits"])
async def sandbox(
    request: pytest.FixtureRequest, interpreter: Interpreter
) -> AsyncIterator[Sandbox]:
    """A sandbox per mode, shared by this module's tests."""
    box = await open_sandbox(request.param, interpreter)
    try:
        yield box
    finally:
        await box.close()


@pytest_asyncio.fixture(loop_scope="module")
async def own_sandbox(sandbox: Sandbox) -> AsyncIterator[Sandbox]:
    """A fresh sandbox in the shared one's mode, for tests that close or break it."""
    bubblewrap = sandbox.isolation == isolation.BUBBLEWRAP
    box = Sandbox(sandbox.interpreter, warm=1, bubblewrap=bubblewrap)
    try:
        yield box
    finally:
        await box.close()


FIB = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"


def check(source: str) -> Check:
    """A check whose label is its assert's expression, as a user would write it."""
    return Check(source, source.removeprefix("assert ").split(",")[0])


async def test_passing_code_and_checks(sandbox: Sandbox) -> None:
    result = await sandbox.run(FIB, [check("assert fib(10) == 55"), check("assert fib(1) == 1")])
    assert result.verdict is Verdict.PASSED
    assert result.passed == 2
    assert [c.verdict for c in result.checks] == [Verdict.PASSED, Verdict.PASSED]
    assert all(c.seconds > 0 for c in result.checks)
    assert result.message == ""


async def test_failing_assert_reports_label_and_actual_value(sandbox: Sandbox) -> None:
    checks = [check("assert fib(10) == 55"), check("assert fib(9) == 55"), check("assert fib(2)")]
    result = await sandbox.run(FIB, checks)
    assert result.verdict is Verdict.FAILED
    assert result.passed == 2
    failed = result.checks[1]
    assert failed.verdict is Verdict.FAILED
    assert failed.message == "fib(9) == 55: got 34"
    assert "first failure: fib(9) == 55: got 34" in result.message


async def test_failure_shows_expected_side_when_label_does_not(sandbox: Sandbox) -> None:
    code = "def f(x):\n    return [x]\n"
    result = await sandbox.run(code, [Check("assert f(1) == [1, 2], 'lists differ'", "f(1)")])
    assert result.checks[0].message == "f(1): got [1], expected [1, 2]: lists differ"


async def test_exception_in_a_check_is_an_error(sandbox: Sandbox) -> None:
    result = await sandbox.run(FIB, [check("assert fib('x') == 1"), check("assert fib(3) == 2")])
    assert result.checks[0].verdict is Verdict.ERROR
    assert "TypeError" in result.checks[0].message
    assert result.checks[1].verdict is Verdict.PASSED  # one bad check does not end the run
    assert result.verdict is Verdict.ERROR


async def test_exception_in_the_code_skips_the_checks(sandbox: Sandbox) -> None:
    result = await sandbox.run("x = 1\nraise ValueError('boom')\n", [check("assert x == 1")])
    assert result.verdict is Verdict.ERROR
    assert result.message == "ValueError: boom"
    assert result.checks[0].verdict is Verdict.ERROR
    assert result.checks[0].message.startswith("not run")
    assert 'File "<candidate>", line 2' in result.stderr  # the user's line, not the worker's


async def test_syntax_error(sandbox: Sandbox) -> None:
    result = await sandbox.run("def f(:\n", [])
    assert result.verdict is Verdict.ERROR
    assert result.message.startswith("SyntaxError")


async def test_exit_in_the_code_is_an_error(sandbox: Sandbox) -> None:
    result = await sandbox.run("import sys\nsys.exit(3)\n", [])
    assert (result.verdict, result.message) == (Verdict.ERROR, "SystemExit: 3")
    result = await sandbox.run("import os\nos._exit(0)\n", [])
    assert result.verdict is Verdict.ERROR
    assert "before finishing" in result.message


async def test_output_is_captured_and_input_sees_end_of_file(sandbox: Sandbox) -> None:
    code = (
        "import sys\nprint('hello')\nprint('oops', file=sys.stderr)\ntry:\n    input()\n"
        "except EOFError:\n    print('eof')\n"
    )
    result = await sandbox.run(code, [])
    assert result.verdict is Verdict.PASSED
    assert result.stdout == "hello\neof\n"
    assert result.stderr == "oops\n"


async def test_candidate_is_a_real_module(sandbox: Sandbox) -> None:
    code = (
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n"
        "import pickle\nq = pickle.loads(pickle.dumps(P(3)))\n"
    )
    result = await sandbox.run(code, [check("assert q == P(3)")])
    assert result.verdict is Verdict.PASSED, result.message


async def test_main_block_does_not_run(sandbox: Sandbox) -> None:
    result = await sandbox.run("if __name__ == '__main__':\n    print('demo')\n", [])
    assert (result.verdict, result.stdout) == (Verdict.PASSED, "")


async def test_cpu_bound_loop_times_out(sandbox: Sandbox) -> None:
    # A generous wall clock, so that it is the CPU limit that ends the run even on a
    # busy machine (RLIMIT_CPU counts whole seconds, rounded up: about 1 s here).
    limits = Limits(cpu_seconds=0.5, wall_seconds=30)
    result = await sandbox.run("while True:\n    pass\n", [], limits)
    assert result.verdict is Verdict.TIMEOUT
    assert result.message == "CPU time limit reached (0.5 s)"


async def test_check_that_hangs_times_out_on_the_wall_clock(sandbox: Sandbox) -> None:
    checks = [
        check("assert fib(3) == 2"),
        check("assert __import__('time').sleep(60)"),
        check("assert fib(4) == 3"),
    ]
    result = await sandbox.run(FIB, checks, Limits(wall_seconds=0.5))
    assert result.verdict is Verdict.TIMEOUT
    assert result.message == "wall-clock limit reached (0.5 s)"
    assert [c.verdict for c in result.checks] == [Verdict.PASSED, Verdict.TIMEOUT, Verdict.TIMEOUT]
    assert result.checks[2].message.startswith("not run")
    assert 0.5 <= result.seconds < 2.5


async def test_abort_is_a_crash(sandbox: Sandbox) -> None:
    result = await sandbox.run("import os\nos.abort()\n", [check("assert True")])
    assert result.verdict is Verdict.CRASHED
    assert result.message == "the interpreter crashed (SIGABRT)"
    assert result.checks[0].message.startswith("not run")


async def test_segfault_in_a_check_is_a_crash(sandbox: Sandbox) -> None:
    checks = [check("assert 1 == 1"), check("assert __import__('ctypes').string_at(0)")]
    result = await sandbox.run("", checks)
    assert result.verdict is Verdict.CRASHED
    assert result.message == "the interpreter crashed (SIGSEGV)"
    assert [c.verdict for c in result.checks] == [Verdict.PASSED, Verdict.CRASHED]
    assert "Fatal Python error" in result.stderr  # faulthandler's traceback


async def test_allocating_8_gb_is_memory(sandbox: Sandbox) -> None:
    result = await sandbox.run("x = bytearray(8 * 1024 ** 3)\n", [])
    assert result.verdict is Verdict.MEMORY
    in_check = await sandbox.run("", [check("assert [0] * (10 ** 9)")])
    assert in_check.checks[0].verdict is Verdict.MEMORY


async def test_printing_100_mb_is_stopped_at_the_output_limit(sandbox: Sandbox) -> None:
    result = await sandbox.run("print('x' * 100_000_000)\n", [], Limits(output_bytes=4096))
    assert result.verdict is Verdict.ERROR  # stopped: not a TIMEOUT at the wall clock
    assert result.message.startswith("output limit")
    assert len(result.stdout) == 4096
    looped = await sandbox.run("while True:\n    print('spam' * 100)\n", [])
    assert looped.message.startswith("output limit")
    assert len(looped.stdout) + len(looped.stderr) <= Limits().output_bytes


async def test_runs_in_parallel_and_each_in_a_fresh_process(sandbox: Sandbox) -> None:
    code = (
        "import os, time\nseen = os.path.exists('was_here')\nopen('was_here', 'w')\n"
        "start = time.time()\ntime.sleep(0.3)\nprint(start, time.time())\n"
    )
    results = await asyncio.gather(
        *(sandbox.run(code, [check("assert not seen")]) for _ in range(4))
    )
    assert all(r.verdict is Verdict.PASSED for r in results), [r.message for r in results]
    spans = [tuple(map(float, r.stdout.split())) for r in results]
    # Two at a time (the default concurrency): never more, and not one after another.
    most = max(sum(1 for s, e in spans if s < t < e) for t in (e - 0.001 for _, e in spans))
    assert most == 2


async def test_each_run_gets_a_fresh_temp_dir(sandbox: Sandbox) -> None:
    first = await sandbox.run("import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())", [])
    second = await sandbox.run("import os\nprint(os.getcwd(), os.listdir('.'))", [])
    assert first.stdout.strip() not in second.stdout
    assert "left.txt" not in second.stdout


async def test_close_kills_the_warm_workers(own_sandbox: Sandbox) -> None:
    await own_sandbox.ready()
    assert processes_with(own_sandbox.tag)
    await own_sandbox.close()
    assert processes_with(own_sandbox.tag) == []
    with pytest.raises(RuntimeError):
        await own_sandbox.run("", [])


async def test_closing_during_a_run_says_so(own_sandbox: Sandbox) -> None:
    running = asyncio.ensure_future(own_sandbox.run("import time\ntime.sleep(30)\n", []))
    await asyncio.sleep(0.3)
    await own_sandbox.close()
    result = await running
    assert (result.verdict, result.message) == (
        Verdict.ERROR,
        "the sandbox was closed during the run",
    )


async def test_a_warm_worker_that_died_is_replaced(own_sandbox: Sandbox) -> None:
    await own_sandbox.ready()
    for pid in processes_with(own_sandbox.tag):
        with contextlib.suppress(ProcessLookupError):  # gone with its bwrap already
            os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(0.2)
    result = await own_sandbox.run("x = 1\n", [check("assert x == 1")])
    assert result.verdict is Verdict.PASSED, result.message
