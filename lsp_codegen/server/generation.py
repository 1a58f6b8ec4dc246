"""Running the pipeline for a request: document snapshot in, fresh results out.

Every result is tied to the document version it was computed for; a result
for a version the user has since changed is dropped, never shown.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Callable

from lsp_codegen.config import Settings
from lsp_codegen.context.document import Document
from lsp_codegen.context.neighbors import other_file_snippets
from lsp_codegen.context.types import Insertion, Prompt
from lsp_codegen.engine.base import CancelToken, Engine, EngineError, EngineFault
from lsp_codegen.pipeline import GenerationResult, OnUpdate, generate
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.errors import request_failed
from lsp_codegen.server.progress import WorkProgress
from lsp_codegen.server.results import Generated
from lsp_codegen.stages import StageLog

log = logging.getLogger(__name__)

# A wait for the model shorter than this is not worth a stage in the trace.
_MODEL_WAIT_SHOWN_S = 0.001


async def run_generation(
    server: CodegenServer,
    document: Document,
    insertion: Insertion,
    *,
    thorough: bool = False,
    stages: StageLog | None = None,
) -> Generated | None:
    """Generate for `insertion`; None when the document changed meanwhile (stale).

    `thorough` (explicit actions): run the prompt's examples in the sandbox and
    lint, with progress; otherwise only the cheap gates run (inline, completion).
    `stages`: where the generation's steps are recorded (the request's trace).
    """
    generated = await compute(server, document, insertion, thorough=thorough, stages=stages)
    return current(server, generated)


def current(server: CodegenServer, generated: Generated) -> Generated | None:
    """`generated` while its document is still the open version; None (dropped) after."""
    document = generated.document
    if not is_current(server, document):
        log.info("dropped a result for %s v%s: document changed", document.uri, document.version)
        return None
    return generated


async def compute(
    server: CodegenServer,
    document: Document,
    insertion: Insertion,
    *,
    thorough: bool = False,
    on_update: OnUpdate | None = None,
    speculative: bool = False,
    typing: bool = False,
    only_if: Callable[[Prompt], bool] | None = None,
    stages: StageLog | None = None,
) -> Generated:
    """Generate for `insertion` in `document`, current or not (see `run_generation`).

    A `speculative` generation runs only while no request the user waits for needs
    the engine; any other generation stops it first. `typing`: the editor asked
    on its own while the user types (`inline.numCandidates` applies). `only_if`: see
    `pipeline.generate` (as-you-type generations only). `stages`: see `run_generation`.
    """
    if not speculative:
        server.pending.yield_engine()
    stages = StageLog() if stages is None else stages
    asked = time.monotonic()
    engine = await server.models.engine()
    if (waited := time.monotonic() - asked) > _MODEL_WAIT_SHOWN_S:
        stages.add("model load", asked, asked + waited)
    cancel = CancelToken()
    progress = WorkProgress(server, "lsp-codegen: generating") if thorough else None
    extra = other_files_context(server, document)
    sources = same_language_texts(server, document)
    try:
        if progress is None:
            settings = _as_you_type(server, typing=typing)
            result = await generate(
                engine,
                insertion,
                settings,
                cancel,
                on_update,
                extra=extra,
                sources=sources,
                only_if=only_if,
                stages=stages,
            )
        else:
            result = await _generate_thoroughly(
                server, engine, insertion, cancel, progress, (extra, sources), stages
            )
    except EngineFault as fault:
        server.models.engine_failed(engine, fault)
        raise request_failed(f"the model failed ({fault}); it is being restarted") from fault
    except EngineError as error:
        raise request_failed(str(error)) from error
    finally:
        # Reached on $/cancelRequest too: the awaiting task is cancelled and
        # the engine must stop at its next decode step.
        cancel.cancel()
    return Generated(document, insertion, result)


async def _generate_thoroughly(
    server: CodegenServer,
    engine: Engine,
    insertion: Insertion,
    cancel: CancelToken,
    progress: WorkProgress,
    context: tuple[list[str], list[str]],
    stages: StageLog,
) -> GenerationResult:
    await progress.begin(f"writing {server.settings.num_candidates} candidates…")
    language, node_setting = insertion.language, server.settings.node.executable
    sandbox, no_sandbox = await server.sandboxes.for_language(language, node_setting)
    try:
        result = await generate(
            engine,
            insertion,
            server.settings,
            cancel,
            sandbox=sandbox,
            on_progress=progress.report,
            lint=insertion.language == "python",
            extra=context[0],
            sources=context[1],
            stages=stages,
            no_sandbox=no_sandbox,
        )
    except BaseException:
        progress.end("stopped")
        raise
    progress.end(f"{len(result.candidates)} candidates in {result.seconds:.1f} s")
    return result


def other_files_context(server: CodegenServer, document: Document) -> list[str]:
    """Snippets of the other open documents for the start of `document`'s prompts."""
    limit = server.settings.context.other_files
    return other_file_snippets(server.documents, document, limit) if limit else []


def same_language_texts(server: CodegenServer, document: Document) -> list[str]:
    """The texts of the other open documents in `document`'s language (most recent first),
    where in-context examples come from; none when `context.inContextExamples` is 0."""
    if not server.settings.context.in_context_examples:
        return []
    return [
        other.text
        for other in server.documents.recent()
        if other.uri != document.uri and other.language_id == document.language_id
    ]


def _as_you_type(server: CodegenServer, *, typing: bool) -> Settings:
    """The settings with inline's time budget (a suggestion is late long before 30 s) and,
    while the user types, `inline.numCandidates`."""
    return _request_settings(server.settings, typing)


@functools.lru_cache(maxsize=8)
def _request_settings(settings: Settings, typing: bool) -> Settings:
    # Cached: settings change rarely, requests come with every keystroke.
    budget = min(settings.max_time_ms, settings.inline.max_time_ms)
    count = settings.num_candidates
    if typing and settings.inline.num_candidates:
        count = settings.inline.num_candidates
    return dataclasses.replace(settings, max_time_ms=budget, num_candidates=count)


def is_current(server: CodegenServer, document: Document) -> bool:
    """True while `document` is still the open version of its URI."""
    now = server.documents.get(document.uri)
    return now is not None and now.version == document.version
