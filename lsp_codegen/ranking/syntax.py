"""The syntax gate: does the document still parse with the candidate in it?

The candidate is judged in its document, not alone: `splice` builds
prefix + leading + candidate (+ a line break when the suffix needs one) + suffix.

Python uses CPython's own compiler, so the verdict is exactly "would Python
accept this file" (this includes the compiler's checks such as `return`
outside a function). To stay cheap on large files, a reference document
(the body filled with `pass` in BLOCK mode, or no candidate at all) is parsed
once per insertion and cached; when it parses, its top-level statements tell
which lines a candidate can influence, and only that window is compiled:
whole top-level statements from the last one that begins before the
insertion line (which the candidate may extend) to the one holding the
suffix's first line. A window that compiles proves the whole file compiles:
the text before and after it is a run of complete statements that compiled
before, and neither can be a continuation of the window. A window that fails is confirmed by
compiling the document from the window's start (nothing can change the text
before it) before the candidate is rejected.

When the document does not parse even without the candidate (an error
elsewhere), the candidate is blamed only for what it adds: a Python error
reported inside the candidate fails it, an error at the same place in the
suffix as before does not, and anything else is decided by tree-sitter as for
the other languages below.

Other languages with a tree-sitter grammar installed (javascript, typescript,
tsx, go, rust, c, lua) pass when the document has no more ERROR/MISSING nodes
with the candidate than with an empty one, and no new one starts inside the
candidate's own text (or right at its end, where a MISSING token goes). The
baseline tree is cached per insertion and each candidate is parsed
incrementally from it. A language with no grammar passes with detail
"no parser for <lang>".
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsp_codegen.context.types import Insertion, Mode

if TYPE_CHECKING:
    from tree_sitter import Language, Node, Parser, Tree

_TRAILING_COMMENT = re.compile(r"#[^'\"]*$")
_CACHE_SIZE = 8  # insertions whose baselines are kept (one per in-flight request)

# LSP languageId -> (module, function returning the grammar).
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascriptreact": ("tree_sitter_javascript", "language"),
    "jsx": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "c": ("tree_sitter_c", "language"),
    "lua": ("tree_sitter_lua", "language"),
}


@dataclass(frozen=True)
class SyntaxResult:
    """The syntax gate's verdict for one candidate.

    `new_errors` is how many syntax errors the candidate adds: tree-sitter
    ERROR/MISSING nodes, or 1 for a Python SyntaxError; 0 when `ok`.
    """

    ok: bool
    detail: str  # "ok", why it failed, or why it could not be checked
    new_errors: int = 0


@dataclass(frozen=True)
class Spliced:
    """A document with a candidate inserted (lines are 1-based, columns 0-based)."""

    text: str
    start: int  # str offset where the candidate starts
    end: int  # str offset where it ends (before any added line break)
    suffix_start: int  # str offset where the suffix starts
    first_line: int  # line of the candidate's first character (the insertion point)
    first_column: int  # column of the insertion point on that line
    last_line: int  # line of the candidate's last character
    suffix_line: int  # line on which the suffix starts
    suffix_column: int  # column of the suffix's first character on that line


def splice(insertion: Insertion, candidate_text: str) -> Spliced:
    """The document with `candidate_text` inserted after `insertion.leading`.

    In BLOCK mode a line break is added when the candidate does not end with
    one and the suffix does not start with one, as the editor does.
    """
    before = insertion.prefix + insertion.leading
    separator = _separator(insertion, candidate_text)
    inserted = candidate_text + separator
    first = before.count("\n") + 1
    first_column = len(before) - before.rfind("\n") - 1
    suffix_line = first + inserted.count("\n")
    if "\n" in inserted:
        suffix_column = len(inserted) - inserted.rfind("\n") - 1
    else:
        suffix_column = first_column + len(inserted)
    return Spliced(
        text=before + inserted + insertion.suffix,
        start=len(before),
        end=len(before) + len(candidate_text),
        suffix_start=len(before) + len(inserted),
        first_line=first,
        first_column=first_column,
        last_line=first + candidate_text[:-1].count("\n") if candidate_text else first,
        suffix_line=suffix_line,
        suffix_column=suffix_column,
    )


def check_syntax(insertion: Insertion, candidate_text: str) -> SyntaxResult:
    """Whether the document still parses with `candidate_text` inserted.

    In LINE mode a candidate that ends its line by opening a block (`if x:`,
    `function f() {`) passes when it parses with the block given a body: the
    user writes the body next.
    """
    language = insertion.language.lower()
    python = language == "python"
    if python:
        check = _check_python
    elif _grammar(language) is None:
        return SyntaxResult(True, f"no parser for {insertion.language}")
    else:
        check = _check_tree_sitter
    result = check(insertion, candidate_text)
    if result.ok or insertion.mode is not Mode.LINE:
        return result
    completed = _with_block_body(insertion, candidate_text, python)
    if completed is not None and check(insertion, completed).ok:
        return SyntaxResult(True, "ok (opens a block)")
    return result


def clear_caches() -> None:
    """Forget cached baselines and grammars (for tests and memory pressure)."""
    _python_baseline.cache_clear()
    _tree_baseline.cache_clear()
    _grammar.cache_clear()


def _with_block_body(insertion: Insertion, candidate_text: str, python: bool) -> str | None:
    """The candidate with a stand-in body when it ends its line opening a block."""
    newline = insertion.suffix.find("\n")
    if insertion.suffix[: newline if newline >= 0 else None].strip():
        return None  # the line goes on after the candidate
    before = insertion.prefix + insertion.leading
    line = (before[before.rfind("\n") + 1 :] + candidate_text).rsplit("\n", 1)[-1]
    indent = line[: len(line) - len(line.lstrip())]
    if python:
        if not _TRAILING_COMMENT.sub("", line).rstrip().endswith(":"):
            return None
        return f"{candidate_text}\n{indent}    pass"
    if not line.rstrip().endswith("{"):
        return None
    return f"{candidate_text}\n{indent}}}"


def _separator(insertion: Insertion, candidate_text: str) -> str:
    if insertion.mode is not Mode.BLOCK or not candidate_text or not insertion.suffix:
        return ""
    if candidate_text.endswith("\n") or insertion.suffix.startswith(("\n", "\r")):
        return ""
    return "\n"


# --- Python -------------------------------------------------------------------


@dataclass(frozen=True)
class _PyError:
    line: int  # 1-based document line
    column: int  # 0-based column
    message: str


@dataclass(frozen=True)
class _PyBaseline:
    """What the document without the candidate says.

    Clean: a reference document compiled; the window to compile for a
    candidate starts at `window_start` in prefix + leading and takes
    `window_suffix_lines` lines of the suffix. Dirty: `suffix_error` is where
    the reference fails, counted from the suffix start, when it fails there.
    """

    clean: bool
    window_start: int = 0
    window_line: int = 1  # the document line window_start is on
    window_suffix_lines: int = 0
    suffix_error: tuple[int, int] | None = None  # (lines into the suffix, column)


def _check_python(insertion: Insertion, candidate_text: str) -> SyntaxResult:
    spliced = splice(insertion, candidate_text)
    baseline = _python_baseline(insertion)
    if baseline.clean:
        window = _window(insertion, spliced, baseline)
        error = _compile_error(window)
        if error is None:
            return SyntaxResult(True, "ok")
        # The text before the window is complete statements nothing after can
        # change, so compiling from the window's start decides (the same text
        # when the window already reaches the end of the document).
        if baseline.window_start + len(window) < len(spliced.text):
            error = _compile_error(spliced.text[baseline.window_start :])
        if error is None:
            return SyntaxResult(True, "ok")
        shifted = _PyError(error.line + baseline.window_line - 1, error.column, error.message)
        return SyntaxResult(False, _describe(shifted, spliced), 1)
    error = _compile_error(spliced.text)
    if error is None:
        return SyntaxResult(True, "ok")
    detail = _describe(error, spliced)
    # The document fails without the candidate too: blame only what is new.
    where = _locate(error, spliced)
    if where == "candidate":
        return SyntaxResult(False, detail, 1)
    suffix_position = _suffix_position(error, spliced) if where == "suffix" else None
    if suffix_position is not None and suffix_position == baseline.suffix_error:
        return SyntaxResult(True, f"ok (the document already fails at line {error.line})")
    return _compare_error_counts(insertion, candidate_text, detail)


def _locate(error: _PyError, spliced: Spliced) -> str:
    """Which part of the document an error is in: "prefix", "candidate" or "suffix"."""
    position = (error.line, error.column)
    if position < (spliced.first_line, spliced.first_column):
        return "prefix"
    suffix_start = (spliced.suffix_line, spliced.suffix_column)
    has_suffix = spliced.suffix_start < len(spliced.text)
    # Right where a candidate ends, the error is the candidate's ("expected ':'").
    at_end = position == suffix_start and spliced.start < spliced.end
    if has_suffix and position >= suffix_start and not at_end:
        return "suffix"
    return "candidate"


def _suffix_position(error: _PyError, spliced: Spliced) -> tuple[int, int] | None:
    """Where an error is, counted from the suffix start; None right at the start,
    where it may as well be the insertion point's (`for x in |`)."""
    line = error.line - spliced.suffix_line
    position = line, error.column - (spliced.suffix_column if line == 0 else 0)
    return None if position == (0, 0) else position


def _compare_error_counts(insertion: Insertion, candidate_text: str, detail: str) -> SyntaxResult:
    if _grammar("python") is None:
        return SyntaxResult(True, f"unchecked: the document has other errors ({detail})")
    counted = _count_tree_errors(insertion, candidate_text)
    if counted.ok:
        return SyntaxResult(True, "ok (the document has syntax errors elsewhere)")
    return SyntaxResult(False, detail, counted.new_errors)


def _window(insertion: Insertion, spliced: Spliced, baseline: _PyBaseline) -> str:
    """Whole top-level statements around the candidate, from the spliced document."""
    suffix = insertion.suffix
    end = 0
    for _ in range(baseline.window_suffix_lines):
        newline = suffix.find("\n", end)
        if newline < 0:
            end = len(suffix)
            break
        end = newline + 1
    return spliced.text[baseline.window_start : spliced.suffix_start + end]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _python_baseline(insertion: Insertion) -> _PyBaseline:
    references = [""]
    if insertion.mode is Mode.BLOCK and _placeholder(insertion):
        references.insert(0, _placeholder(insertion))
    suffix_error: tuple[int, int] | None = None
    for number, reference in enumerate(references):
        spliced = splice(insertion, reference)
        tree, error = _parse(spliced.text)
        if tree is not None:
            return _clean_baseline(insertion, spliced, tree)
        if number == 0 and error is not None and _locate(error, spliced) == "suffix":
            suffix_error = _suffix_position(error, spliced)
    return _PyBaseline(False, suffix_error=suffix_error)


def _placeholder(insertion: Insertion) -> str:
    """A statement that fills an empty body at the insertion point, or ""."""
    before = insertion.prefix + insertion.leading
    head = before[before.rfind("\n") + 1 :]
    if head.strip():
        return ""
    return ("" if head else insertion.indent) + "pass"


def _clean_baseline(insertion: Insertion, reference: Spliced, tree: ast.Module) -> _PyBaseline:
    spans = sorted(_statement_spans(tree))
    # Start at the last top-level statement that begins before the insertion
    # line: the one the candidate sits in, or the one it may extend (a body
    # going on at deeper indentation, an `else:` after an `if`).
    start = 1
    for first, _ in spans:
        if first >= reference.first_line:
            break
        start = first
    # Widen [start, end] until no top-level statement crosses either boundary.
    for first, last in reversed(spans):
        if first < start <= last:
            start = first
    end = reference.suffix_line
    for first, last in spans:
        if first <= end < last:
            end = last
    before = insertion.prefix + insertion.leading
    offset = len(before)
    for _ in range(reference.first_line - start + 1):
        offset = before.rfind("\n", 0, offset)
        if offset < 0:
            break
    return _PyBaseline(
        True,
        window_start=offset + 1,
        window_line=start,
        window_suffix_lines=end - reference.suffix_line + 1,
    )


def _statement_spans(tree: ast.Module) -> list[tuple[int, int]]:
    spans = []
    for statement in tree.body:
        first = statement.lineno
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([first, *(decorator.lineno for decorator in statement.decorator_list)])
        last = statement.end_lineno if statement.end_lineno is not None else statement.lineno
        spans.append((first, last))
    return spans


def _parse(source: str) -> tuple[ast.Module | None, _PyError | None]:
    """The module's AST if CPython compiles `source`, else the error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
            compile(tree, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return None, _syntax_error(error)
    except (ValueError, TypeError, RecursionError, MemoryError) as error:
        return None, _PyError(1, 0, f"{type(error).__name__}: {error}")
    return tree, None


def _compile_error(source: str) -> _PyError | None:
    """The SyntaxError CPython raises compiling `source`, or None if it compiles."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return _syntax_error(error)
    except (ValueError, RecursionError, MemoryError) as error:
        return _PyError(1, 0, f"{type(error).__name__}: {error}")
    return None


def _syntax_error(error: SyntaxError) -> _PyError:
    return _PyError(error.lineno or 1, max(0, (error.offset or 1) - 1), error.msg or "")


def _describe(error: _PyError, spliced: Spliced) -> str:
    message = error.message or "invalid syntax"
    if spliced.first_line <= error.line <= spliced.last_line:
        return f"candidate line {error.line - spliced.first_line + 1}: {message}"
    return f"document line {error.line}: {message}"


# --- tree-sitter --------------------------------------------------------------


@dataclass(frozen=True)
class _TreeBaseline:
    language: str
    before: bytes  # prefix + leading, encoded
    after: bytes  # the suffix, encoded
    start_point: tuple[int, int]
    tree: Tree
    errors: int
    signatures: frozenset[tuple[str, int]]  # (type, start byte) of each ERROR node
    missing: dict[str, int]  # MISSING nodes by type


@dataclass(frozen=True)
class _Counted:
    """ERROR/MISSING nodes without and with the candidate.

    The candidate passes when it adds none and no new one starts inside it or
    right at its end (an error there is its own even when it replaces one the
    document had, as in `const x = |;` completed with `foo(1`).
    """

    before: int
    after: int
    inside: int  # new errors that start within the candidate's text or at its end
    first_inside: str  # where the first of those is, or ""

    @property
    def ok(self) -> bool:
        return self.after <= self.before and not self.inside

    @property
    def new_errors(self) -> int:
        return 0 if self.ok else max(1, self.after - self.before, self.inside)


_local = threading.local()


@functools.cache
def _grammar(language: str) -> Language | None:
    """The tree-sitter grammar for an LSP languageId, or None when not installed."""
    spec = _GRAMMARS.get(language.lower())
    if spec is None:
        return None
    try:
        tree_sitter = importlib.import_module("tree_sitter")
        module = importlib.import_module(spec[0])
        factory: Callable[[], object] = getattr(module, spec[1])
        grammar: Language = tree_sitter.Language(factory())
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    return grammar


def parser_for(language: str) -> Parser | None:
    """A tree-sitter parser for `language` owned by the calling thread, or None."""
    grammar = _grammar(language)
    if grammar is None:
        return None
    parsers: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = {}
        _local.parsers = parsers
    parser = parsers.get(language)
    if parser is None:
        tree_sitter = importlib.import_module("tree_sitter")
        parser = tree_sitter.Parser(grammar)
        parsers[language] = parser
    return parser


def _check_tree_sitter(insertion: Insertion, candidate_text: str) -> SyntaxResult:
    counted = _count_tree_errors(insertion, candidate_text)
    if counted.ok:
        return SyntaxResult(True, "ok")
    plural = "s" if counted.new_errors != 1 else ""
    where = f" ({counted.first_inside})" if counted.first_inside else ""
    return SyntaxResult(
        False, f"{counted.new_errors} new syntax error{plural}{where}", counted.new_errors
    )


def _count_tree_errors(insertion: Insertion, candidate_text: str) -> _Counted:
    baseline = _tree_baseline(insertion)
    parser = parser_for(baseline.language)
    if parser is None:  # the baseline was parsed, so this does not happen
        raise LookupError(f"no parser for {baseline.language}")
    inserted = (candidate_text + _separator(insertion, candidate_text)).encode()
    start = len(baseline.before)
    tree = baseline.tree.copy()
    tree.edit(
        start_byte=start,
        old_end_byte=start,
        new_end_byte=start + len(inserted),
        start_point=baseline.start_point,
        old_end_point=baseline.start_point,
        new_end_point=_advance(baseline.start_point, inserted),
    )
    new_tree = parser.parse(baseline.before + inserted + baseline.after, tree)
    errors = _error_nodes(new_tree.root_node)
    shift = len(inserted)
    end = start + len(candidate_text.encode())

    missing = _missing_counts(errors)

    def new_inside(node: Node) -> bool:
        at = node.start_byte
        if at < start or at > end:
            return False
        if node.is_missing:
            # A MISSING token sits after the last real one, wherever that is:
            # it is new only when the document now misses more of its kind.
            return missing[node.type] > baseline.missing.get(node.type, 0)
        # Not one the document had at the insertion point, before or after the text.
        return not ({(node.type, at), (node.type, at - shift)} & baseline.signatures)

    inside = [node for node in errors if new_inside(node)]
    first = _describe_node(inside[0], baseline.start_point[0]) if inside else ""
    return _Counted(baseline.errors, len(errors), len(inside), first)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _tree_baseline(insertion: Insertion) -> _TreeBaseline:
    language = insertion.language.lower()
    parser = parser_for(language)
    if parser is None:
        raise LookupError(f"no parser for {language}")
    before = (insertion.prefix + insertion.leading).encode()
    after = insertion.suffix.encode()
    tree = parser.parse(before + after)
    errors = _error_nodes(tree.root_node)
    return _TreeBaseline(
        language=language,
        before=before,
        after=after,
        start_point=_advance((0, 0), before),
        tree=tree,
        errors=len(errors),
        signatures=frozenset((node.type, node.start_byte) for node in errors),
        missing=dict(_missing_counts(errors)),
    )


def _missing_counts(errors: list[Node]) -> Counter[str]:
    return Counter(node.type for node in errors if node.is_missing)


def _advance(point: tuple[int, int], text: bytes) -> tuple[int, int]:
    """The (row, byte column) reached after `text` starting at `point`."""
    newlines = text.count(b"\n")
    if not newlines:
        return point[0], point[1] + len(text)
    return point[0] + newlines, len(text) - text.rfind(b"\n") - 1


def _error_nodes(root: Node) -> list[Node]:
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node)
        elif node.has_error:
            stack.extend(reversed(node.children))
    return found


def _describe_node(node: Node, first_row: int) -> str:
    line = node.start_point[0] - first_row + 1
    if node.is_missing:
        return f"missing {node.type!r} at candidate line {line}"
    return f"unexpected text at candidate line {line}"
