"""Where a streamed candidate ends: stop strings and the request's stop rule.

Shared by every engine: each checks its candidates' text after every token; pure
functions over strings.
"""

from __future__ import annotations

from lsp_codegen.engine.base import GenerationRequest


def stop_index(text: str, new_chars: int, request: GenerationRequest) -> int | None:
    """The length `text` is cut to when a stop string or the stop rule ends it, else None.

    Only the window that the last `new_chars` characters could have completed is
    searched for stop strings, so checking after every token stays linear.
    """
    if new_chars == 0:
        return None
    longest = max((len(s) for s in request.stop), default=0)
    window_start = max(0, len(text) - new_chars - longest)
    hits = [i for s in request.stop if s and (i := text.find(s, window_start)) >= 0]
    if request.stop_rule is not None and (end := request.stop_rule(text)) is not None:
        hits.append(end)
    return min(hits) if hits else None
