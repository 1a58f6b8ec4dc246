"""A generation's result tied to the document snapshot it was computed for, and the key
(document URI, version, insertion offset) under which a result is reused: only ever for
exactly the text it was computed for."""

from __future__ import annotations

from dataclasses import dataclass

from lsp_codegen.context.document import Document
from lsp_codegen.context.types import Insertion
from lsp_codegen.pipeline import GenerationResult

Key = tuple[str, int, int]


@dataclass(frozen=True)
class Generated:
    """A pipeline result and the document snapshot it belongs to."""

    document: Document
    insertion: Insertion
    result: GenerationResult
