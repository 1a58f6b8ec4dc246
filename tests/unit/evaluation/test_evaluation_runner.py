"""The runner end to end on real tiny models: every problem gets a result, whatever happens.

The real sandbox (lsp_codegen.sandbox.sandbox) is used when it is importable.
`SubprocessTestSandbox` below is a test double, only for these tests: it runs
each program in a plain child process with a wall-clock limit, so the runner's
own logic is tested even where the real sandbox is not available.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest

from lsp_codegen.config import Settings
from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    Engine,
    EngineInfo,
    EngineStats,
    GenerationRequest,
    Tokenizer,
)
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.evaluation.problems import Problem, load_problems, ours_path
from lsp_codegen.evaluation.runner import (
    SANDBOX_ERROR,
    EvalRun,
    Judge,
    ProblemResult,
    problem_insertion,
    program,
    run_evaluation,
)
from lsp_codegen.sandbox.types import Check, CheckResult, Limits, RunResult, Verdict
from tests.unit.evaluation.eval_cli import run_eval

REAL_SANDBOX = importlib.util.find_spec("lsp_codegen.sandbox.sandbox") is not None
NO_REAL_SANDBOX = "lsp_codegen.sandbox.sandbox is not importable yet (being written)"

_CHILD = """
import json, sys
job = json.loads(sys.stdin.read())
namespace = {"__name__": "__candidate__"}
try:
    exec(compile(job["code"], "<candidate>", "exec"), namespace)
    for check in job["checks"]:
        exec(check, namespace)
except AssertionError as error:
    print(json.dumps(["failed", repr(error)]))
except BaseException as error:
    print(json.dumps(["error", type(error).__name__ + ": " + str(error)]))
else:
    print(json.dumps(["passed", ""]))
"""


class SubprocessTestSandbox:
    """TEST DOUBLE of lsp_codegen.sandbox's Sandbox: a child process per run, wall limit only.

    No isolation at all; fit only for these tests' own code and a tiny model's noise.
    """

    def __init__(self) -> None:
        self.runs = 0

    async def run(
        self, code: str, checks: Sequence[Check], limits: Limits | None = None
    ) -> RunResult:
        self.runs += 1
        wall = (limits or Limits()).wall_seconds
        job = json.dumps({"code": code, "checks": [c.source for c in checks]}).encode()
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CHILD,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(job), wall)
        except TimeoutError:
            process.kill()
            await process.wait()
            return RunResult(Verdict.TIMEOUT, seconds=time.monotonic() - started)
        seconds = time.monotonic() - started
        if process.returncode != 0:
            return RunResult(Verdict.CRASHED, stderr=err.decode(), seconds=seconds)
        verdict_name, message = json.loads(out.decode().splitlines()[-1])
        verdict = Verdict(verdict_name)
        results = [CheckResult(check, verdict, message) for check in checks]
        return RunResult(verdict, results, seconds=seconds, message=message)

    async def close(self) -> None:
        pass


async def _real_sandbox() -> Judge:
    from lsp_codegen.sandbox.interpreter import find_interpreter
    from lsp_codegen.sandbox.sandbox import create_sandbox

    interpreter, _ = await asyncio.to_thread(find_interpreter, None, None)
    sandbox: Judge = create_sandbox(interpreter, warm=1)
    return sandbox


SANDBOXES = [
    pytest.param("double", id="test-double"),
    pytest.param(
        "real",
        id="real-sandbox",
        marks=pytest.mark.skipif(not REAL_SANDBOX, reason=NO_REAL_SANDBOX),
    ),
]


async def _judge(kind: str) -> Judge:
    return SubprocessTestSandbox() if kind == "double" else await _real_sandbox()


async def _close(judge: Judge) -> None:
    close = getattr(judge, "close", None)
    if close is not None:
        await close()


HANG = Problem(
    "hang",
    "# Return one.\n# one() == 1\ndef one():",
    "one",
    "\n\ndef check(candidate):\n    while True:\n        pass\n",
)
ONE = Problem(
    "one",
    "# Return one.\n# one() == 1\ndef one():",
    "one",
    "\n\ndef check(candidate):\n    assert candidate() == 1\n",
)
TWO = Problem(
    "two",
    "# Return two.\n# two() == 2\ndef two():",
    "two",
    "\n\ndef check(candidate):\n    assert candidate() == 2\n",
)
LIMITS = Limits(cpu_seconds=1.0, wall_seconds=1.5)


def _engine(model_dir: Path) -> Engine:
    return load_local_engine(LoadOptions(model=str(model_dir)), lambda _: None, lambda _: None)


async def _evaluate(
    model_dir: Path, problems: Sequence[Problem], kind: str, settings: Settings
) -> tuple[EvalRun, list[ProblemResult]]:
    engine = _engine(model_dir)
    judge = await _judge(kind)
    seen: list[ProblemResult] = []
    try:
        run = await run_evaluation(
            engine, problems, settings, judge, source="test", limits=LIMITS, on_result=seen.append
        )
    finally:
        await _close(judge)
        engine.close()
    return run, seen


# The tiny random model writes noise with no line break, so a body after a
# `def` header never gets a whole line and every candidate is dropped. With
# the cursor in a trailing comment (LINE mode) its noise lands in the comment,
# where it is harmless, and the program runs: the test decides.
HANG_IN_COMMENT = Problem(
    "hang-in-comment",
    "def one():\n    return 1  # ",
    "one",
    "\n\ndef check(candidate):\n    while True:\n        pass\n",
)
WRONG_IN_COMMENT = Problem(
    "wrong-in-comment",
    "def two():\n    return 1  # ",
    "two",
    "\n\ndef check(candidate):\n    assert candidate() == 2\n",
)


def _compiles(problem: Problem, text: str) -> bool:
    # Noise may hold a NUL or a carriage return, which Python rejects or reads
    # as a line break: such a candidate is an error, not a run of the test.
    try:
        compile(program(problem, problem_insertion(problem.prompt), text), "<c>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


@pytest.mark.parametrize("kind", SANDBOXES)
async def test_tiny_random_model_run_completes_with_every_candidate_judged(
    tiny_model_dir: Path, kind: str
) -> None:
    import torch

    torch.manual_seed(1234)  # the sampled candidates' noise, for a repeatable test
    problems = [*load_problems(ours_path())[:2], HANG_IN_COMMENT, WRONG_IN_COMMENT]
    settings = Settings(num_candidates=4, max_new_tokens=8, device="cpu")
    run, seen = await _evaluate(tiny_model_dir, problems, kind, settings)
    assert [r.task_id for r in run.results] == [p.task_id for p in problems]
    assert seen == run.results
    assert run.model.startswith("tiny-model")
    known = {v.value for v in Verdict} | {SANDBOX_ERROR}
    for result in run.results:
        assert result.error is None
        assert len(result.candidates) <= 4
        assert [c.rank for c in result.candidates] == list(range(len(result.candidates)))
        assert all(c.verdict in known for c in result.candidates)
        assert not result.oracle_passed  # noise never passes a real test
        if result.first_sample_rank is None:
            assert "counted as a fail" in result.note
    for result in run.results[:2]:  # no whole line of noise: nothing to judge
        assert result.candidates == []
    hang, wrong = run.results[2:]
    for result, problem, verdict in (
        (hang, HANG_IN_COMMENT, "timeout"),
        (wrong, WRONG_IN_COMMENT, "failed"),
    ):
        runnable = [c for c in result.candidates if _compiles(problem, c.text)]
        assert runnable, "the noise should give at least one runnable candidate"
        assert all(c.verdict == verdict for c in runnable)
        assert all(c.verdict == "error" for c in result.candidates if c not in runnable)
    assert "limit" in hang.candidates[0].message or kind == "double"
    metrics = run.metrics
    assert metrics.problems == 4 and metrics.oracle == 0
    assert metrics.selection_efficiency is None
    assert metrics.candidates == len(hang.candidates) + len(wrong.candidates)


@pytest.mark.parametrize("kind", SANDBOXES)
async def test_scripted_model_passes_fails_and_times_out(
    scripted_model_dir: Path, kind: str
) -> None:
    # The scripted model writes "    return 1" whatever the prompt: right for
    # `one`, wrong for `two`, and `hang`'s test never finishes.
    settings = Settings(num_candidates=3, max_new_tokens=12, device="cpu")
    run, _ = await _evaluate(scripted_model_dir, [ONE, TWO, HANG], kind, settings)
    one, two, hang = run.results
    for result in run.results:
        # Three identical samples are merged into one; it keeps the greedy index.
        assert len(result.candidates) == 1
        assert result.candidates[0].index == 0
        assert result.candidates[0].evidence["votes"] == 3
        assert result.first_sample_rank == 0
        assert result.candidates[0].text.startswith("return 1")
    assert (one.first_sample_passed, one.ranked_passed, one.oracle_passed) == (True, True, True)
    assert two.candidates[0].verdict == "failed" and not two.oracle_passed
    assert hang.candidates[0].verdict == "timeout"
    metrics = run.metrics
    assert (metrics.first_sample, metrics.ranked, metrics.oracle) == (1, 1, 1)
    assert metrics.selection_efficiency == 1.0


@pytest.mark.skipif(not REAL_SANDBOX, reason=NO_REAL_SANDBOX)
async def test_thorough_ranking_runs_the_prompt_examples(scripted_model_dir: Path) -> None:
    from lsp_codegen.sandbox.interpreter import find_interpreter
    from lsp_codegen.sandbox.sandbox import create_sandbox

    engine = _engine(scripted_model_dir)
    interpreter, _ = await asyncio.to_thread(find_interpreter, None, None)
    sandbox = create_sandbox(interpreter, warm=1)
    settings = Settings(num_candidates=2, max_new_tokens=12, device="cpu")
    try:
        run = await run_evaluation(engine, [ONE, TWO], settings, sandbox, thorough=sandbox)
    finally:
        await sandbox.close()
        engine.close()
    assert run.ranking == "thorough"
    one, two = run.results
    # Each prompt shows one example ("one() == 1"); it ran while ranking.
    assert one.examples == two.examples == 1
    assert one.candidates[0].evidence["examples"] == "1/1"
    assert two.candidates[0].evidence["examples"] == "0/1"
    assert one.ranked_passed and not two.oracle_passed


def _js_problem(name: str, value: int, language: str) -> Problem:
    test = (
        "\nconst assert = require('node:assert');\n"
        f"function check(candidate) {{ assert.strictEqual(candidate(), {value}); }}\n"
    )
    prompt = f"// Return {name}.\n// {name}() === {value}\nfunction {name}() {{\n"
    return Problem(f"{name}-{language}", prompt, name, test, None, language, "\n}\n")


@pytest.mark.parametrize("language", ["javascript", "typescript"])
async def test_javascript_problems_are_ranked_and_judged_in_node(
    scripted_model_dir: Path, language: str, tmp_path: Path
) -> None:
    from lsp_codegen.sandbox.node import find_node, setup_for
    from lsp_codegen.sandbox.sandbox import create_sandbox

    node, problem = find_node(None)
    if node is None:
        pytest.skip(f"Node is not installed here ({problem})")
    typescript = Path(__file__).parents[3] / "editor-clients/vscode/node_modules/typescript"
    if language == "typescript" and not node.strips_types:
        if not typescript.is_dir():
            pytest.skip("no typescript package: run `make editor-deps`")
        (tmp_path / "node_modules").mkdir()
        (tmp_path / "node_modules" / "typescript").symlink_to(typescript)
    setup, why = setup_for(language, node, tmp_path)
    assert setup is not None, why
    engine = _engine(scripted_model_dir)
    sandbox = create_sandbox(setup, warm=1)
    settings = Settings(num_candidates=2, max_new_tokens=12, device="cpu")
    problems = [_js_problem("one", 1, language), _js_problem("two", 2, language)]
    try:
        run = await run_evaluation(engine, problems, settings, sandbox, thorough=sandbox)
    finally:
        await sandbox.close()
        engine.close()
    one, two = run.results
    # The scripted model writes `return 1`: the example ran while ranking, in Node.
    assert one.examples == two.examples == 1
    assert one.candidates[0].text.strip().startswith("return 1")
    assert one.candidates[0].evidence["examples"] == "1/1"
    assert two.candidates[0].evidence["examples"] == "0/1"
    assert one.ranked_passed and not two.oracle_passed
    assert two.candidates[0].verdict == "failed"


class _FailingEngine:
    """A real engine whose generation fails for prompts containing `poison`."""

    def __init__(self, engine: Engine, poison: str) -> None:
        self._engine = engine
        self._poison = poison

    def info(self) -> EngineInfo:
        return self._engine.info()

    @property
    def tokenizer(self) -> Tokenizer:
        return self._engine.tokenizer

    @property
    def stats(self) -> EngineStats:
        return self._engine.stats

    def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        if self._poison in request.prompt:
            raise RuntimeError("the model fell over")
        return self._engine.stream(request, cancel)

    def close(self) -> None:
        self._engine.close()


class _BrokenJudge:
    async def run(
        self, code: str, checks: Sequence[Check], limits: Limits | None = None
    ) -> RunResult:
        raise OSError("no worker")


async def test_generation_and_sandbox_failures_are_recorded_not_raised(
    scripted_model_dir: Path,
) -> None:
    engine = _FailingEngine(_engine(scripted_model_dir), poison="two")
    settings = Settings(num_candidates=2, max_new_tokens=8, device="cpu")
    judges: list[Callable[[], Judge]] = [SubprocessTestSandbox, _BrokenJudge]
    try:
        good = await run_evaluation(engine, [TWO, ONE], settings, judges[0]())
        broken = await run_evaluation(engine, [ONE], settings, judges[1]())
    finally:
        engine.close()
    failed, passed = good.results
    assert failed.error == "RuntimeError: the model fell over"
    assert failed.candidates == [] and not failed.oracle_passed
    assert passed.error is None and passed.ranked_passed
    assert good.metrics.generation_errors == 1
    (result,) = broken.results
    assert [c.verdict for c in result.candidates] == [SANDBOX_ERROR]
    assert "OSError: no worker" in result.candidates[0].message


@pytest.mark.skipif(not REAL_SANDBOX, reason=NO_REAL_SANDBOX)
def test_eval_command_writes_both_reports(scripted_model_dir: Path, tmp_path: Path) -> None:
    problems = tmp_path / "p.jsonl"
    problems.write_text(
        "".join(
            json.dumps({f: getattr(p, f) for f in ("task_id", "prompt", "entry_point", "test")})
            + "\n"
            for p in (ONE, TWO, HANG)
        )
    )
    out = tmp_path / "report"
    result = run_eval(
        "--problems", str(problems), "--limit", "2", "--n", "2", "--max-new-tokens", "12",
        "--model", str(scripted_model_dir), "--device", "cpu", "--out", str(out),
        "--strip-examples",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "pass@1 ranked" in result.stdout and "50.0% (1/2)" in result.stdout
    assert "pass@1 ranked without agreement" in result.stdout  # the ablation's rows
    assert "2/2" in result.stderr  # the progress bar
    assert "examples stripped from the prompts" in result.stderr
    data = json.loads((out / "report.json").read_text())
    assert [p["task_id"] for p in data["problems"]] == ["one", "two"]
    assert data["problems"][0]["prompt"] == "# Return one.\ndef one():"  # no "one() == 1"
    assert data["ablation"]["all"] == 1
    assert "<svg" in (out / "report.html").read_text()


def test_eval_command_rejects_a_bad_problem_file(tmp_path: Path) -> None:
    if not REAL_SANDBOX:
        pytest.skip(NO_REAL_SANDBOX)
    result = run_eval("--problems", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2
    assert "cannot read problems" in result.stderr


def test_eval_flags_are_checked_before_anything_loads() -> None:
    result = run_eval("--set", "mbpp")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run_eval("--limit", "0")
    assert result.returncode == 2 and "positive integer" in result.stderr
    result = run_eval("--set", "ours", "--problems", "x.jsonl")
    assert result.returncode == 2 and "not allowed with" in result.stderr
