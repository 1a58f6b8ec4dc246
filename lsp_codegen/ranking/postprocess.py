"""Cutting a raw model continuation into the code to insert.

The generated text continues `insertion.prefix + insertion.leading`; the
caller inserts `insertion.leading + postprocess(text, insertion)`.

Terms used below:

* head: the part of the current line that is already in the document (the
  last line of prefix + leading). The first generated line continues it, so
  the lines are read as *document lines*: head + first generated line, then the
  other generated lines. That way every line carries its real indentation.
* Indentation is measured in columns, a tab counting as 4.
* Languages are Python-like (a header ends with ":", the body is indented, no
  closing line) when `insertion.language` is in `PYTHON_LIKE`; every other
  language is read as brace-like (a header leaves a "{" open and a line
  starting with "}" closes it). Languages with neither (Ruby's `end`, Lua) only
  get the dedent and blank-line rules, which is safe but lets them run longer.

Where a BLOCK candidate ends (`block_end`), with m the indentation of its
first non-blank line (the block's base):

1. Two blank lines in a row (three newlines) end it.
2. A line indented less than m ends it, except a line starting with a closing
   bracket when the suffix does not already close: that line is kept (the
   model closed the construct the user opened) and the candidate ends after it.
3. At indentation m, a compound statement (header, deeper body, and for brace
   languages its closing "}") may be followed by its continuation clauses
   (elif/else/except/finally/case; "} else {", catch, finally). After that,
   the next line at m ends the candidate when the compound was a definition
   (def, class, function, ...) or when the block is at the top level (base
   indent 0): the model has moved on to a new thing, such as a call to the
   function it just wrote. Inside a body, a loop or `if` is usually followed by
   more of the same body (`return total`), so there the block keeps going.
4. Simple statements at m just continue.

Every rule only looks at lines already seen in full, or at the first
characters of the line that ends the block, so `block_end` gives the same
answer on every prefix of a text once it has answered at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lsp_codegen.context.types import Insertion, Mode

PYTHON_LIKE = frozenset({"python", "cython", "starlark", "bazel", "mojo"})

_TAB_WIDTH = 4
_PAIRS = {")": "(", "]": "[", "}": "{"}
_OPENERS = frozenset(_PAIRS.values())
_PREFIX_WINDOW = 16384  # how much of the prefix is scanned for open brackets
_TRIMMABLE = frozenset(")]};:,")  # a LINE tail made of these may repeat the suffix
_TRAILING = frozenset(")]};, \t\r\n")  # what may follow a dropped closer

_PY_CONTINUATIONS = frozenset({"elif", "else", "except", "finally", "case"})
_PY_DEFINITION = re.compile(r"(async\s+)?(def|class|fn|struct)\b")
_BRACE_CONTINUATIONS = frozenset({"else", "catch", "finally"})
_CONTROL = frozenset(
    [
        "if",
        "else",
        "for",
        "while",
        "do",
        "switch",
        "case",
        "default",
        "try",
        "catch",
        "finally",
        "return",
        "with",
        "foreach",
        "using",
        "lock",
        "unless",
        "until",
        "loop",
        "match",
        "select",
        "synchronized",
        "unsafe",
        "defer",
        "go",
        "new",
        "throw",
        "await",
        "yield",
    ]
)
_DEFINITION_WORD = re.compile(
    r"\b(function|class|struct|interface|enum|impl|fn|func|fun|trait|namespace|module"
    r"|object|record|protocol|extension|union|def|sub|proc)\b(?!\s*\.)"
)
_ARROW_DEFINITION = re.compile(r"^(export\s+)?(const|let|var)\s+[\w$]+\b[^=]*=[^=>]*=>")
_C_SIGNATURE = re.compile(r"^[\w$:<>,*&\[\]\s]*?[\w$~]+\s*\([^;]*\)[^;=]*$")
_WORD = re.compile(r"[A-Za-z_]\w*")
_WORD_TAIL = re.compile(r"[\w$]+$")
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class _Frame:
    """What the rules need to know about the insertion point."""

    head: str  # the current line's text before the generated text
    base: int  # the block's intended indentation, in columns
    python: bool
    suffix_closes: bool  # the suffix's next non-blank text starts with a closer


@dataclass(frozen=True)
class _Line:
    """One document line of the candidate (the first one includes the head)."""

    text: str
    end: int  # index in the generated text where this line ends
    complete: bool  # its newline has been generated
    first: bool


@dataclass
class _Block:
    """Scanner state while walking the candidate's lines."""

    base: int | None = None
    open: bool = False  # a compound header at the base is waiting for / has its body
    body: bool = False  # deeper lines were seen since that header
    closed: bool = False  # brace languages: the compound's "}" was seen
    definition: bool = False  # the compound defines a function, class, ...
    previous: str = ""  # the last non-blank line at the base (multi-line headers)
    blanks: int = 0
    content_end: int = 0  # where the last non-blank line ends


def block_end(text: str, insertion: Insertion) -> int | None:
    """Index at which the candidate `text` is complete, or None while it is not.

    Cheap enough to run after every decoded token; see the module docstring
    for the rules. The result never changes once a prefix of `text` has one.
    """
    if insertion.mode is Mode.LINE:
        end = text.find("\n")
        return None if end < 0 else end
    frame = _frame(insertion)
    state = _Block()
    for line in _lines(text, frame.head):
        stop = _step(state, line, frame)
        if stop is not None:
            return stop
    return None


def postprocess(text: str, insertion: Insertion) -> str:
    """The code to insert (after `insertion.leading`) for the raw candidate `text`.

    Cuts at `block_end`, drops what repeats the suffix, strips trailing
    whitespace and blank lines, re-indents a block the model wrote at another
    base indentation, and drops surplus closing brackets at the end.
    """
    end = block_end(text, insertion)
    if end is not None:
        text = text[:end]
    frame = _frame(insertion)
    if insertion.mode is Mode.LINE:
        line = text.split("\n", 1)[0].rstrip()
        result = _trim_repeated_rest(line, insertion.suffix, frame.python)
    else:
        result = _tidy_block(text, insertion, frame)
    result = _drop_surplus_closers(result, insertion, frame.python)
    return result if result.strip() else ""


# --- reading the insertion point -------------------------------------------


def _frame(insertion: Insertion) -> _Frame:
    leading = insertion.leading
    if "\n" in leading:
        head = leading[leading.rfind("\n") + 1 :]
    else:
        prefix = insertion.prefix
        head = prefix[prefix.rfind("\n") + 1 :] + leading
    python = insertion.language.lower() in PYTHON_LIKE
    closes = _next_char(insertion.suffix) in _PAIRS
    return _Frame(head, _width(insertion.indent), python, closes)


def _next_char(text: str) -> str:
    """The first non-whitespace character of `text` ("" if none); cheap on long text."""
    match = _NON_SPACE.search(text)
    return "" if match is None else match.group()


def _suffix_line(head: str, suffix: str) -> tuple[int, str] | None:
    """Indentation and text of the first non-blank document line from the cursor on."""
    start = 0
    while start <= len(suffix):
        end = suffix.find("\n", start)
        end = len(suffix) if end < 0 else end
        line = suffix[start:end]
        if start == 0:
            line = head + line
        if line.strip():
            return _width(_indent_of(line)), line.strip()
        start = end + 1
    return None


def _width(indent: str) -> int:
    return sum(_TAB_WIDTH if char == "\t" else 1 for char in indent)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _lines(text: str, head: str) -> Iterator[_Line]:
    start = 0
    while True:
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline
        body = text[start:end]
        yield _Line(head + body if start == 0 else body, end, newline >= 0, start == 0)
        if newline < 0:
            return
        start = newline + 1


# --- the block rules --------------------------------------------------------


def _step(state: _Block, line: _Line, frame: _Frame) -> int | None:
    """Feed one line; return where the block ends if this line proves it."""
    stripped = line.text.strip()
    if not stripped:
        # The first line continues the cursor's line, so it is not a blank line.
        if line.complete and not line.first:
            state.blanks += 1
            if state.blanks >= 2:
                return state.content_end
        return None
    state.blanks = 0
    indent = _width(_indent_of(line.text))
    if state.base is None:
        closer_first = stripped[0] in _PAIRS and indent < frame.base
        state.base = frame.base if closer_first else indent
    if indent < state.base:
        return _dedent(stripped, line, frame, state)
    if indent > state.base:
        state.body = state.body or state.open
    else:
        at_base = _python_at_base if frame.python else _brace_at_base
        end = at_base(state, stripped, line, frame)
        if end is not None:
            return end
        state.previous = stripped
    state.content_end = line.end
    return None


def _dedent(stripped: str, line: _Line, frame: _Frame, state: _Block) -> int | None:
    if stripped[0] in _PAIRS and not frame.suffix_closes:
        return line.end if line.complete else None
    return state.content_end


def _python_at_base(state: _Block, stripped: str, line: _Line, frame: _Frame) -> int | None:
    word, known = _first_word(stripped, line.complete, _PY_CONTINUATIONS)
    if not known:
        return None
    if state.open and state.body:
        if word in _PY_CONTINUATIONS:
            state.body = False  # another clause of the same statement
            return None
        starts_definition = _python_definition(stripped) or stripped.startswith("@")
        if _stops_after_compound(state, frame, starts_definition):
            return state.content_end
    _reset(state)
    if line.complete and _code(stripped, python=True).rstrip().endswith(":"):
        state.open = True
        state.definition = _python_definition(stripped) or (
            not word and _python_definition(state.previous)
        )
    return None


def _brace_at_base(state: _Block, stripped: str, line: _Line, frame: _Frame) -> int | None:
    word, known = _first_word(stripped, line.complete, _BRACE_CONTINUATIONS)
    if not known:
        return None
    if state.open or state.closed:
        if stripped[0] in "{}" or word in _BRACE_CONTINUATIONS:
            if line.complete:
                _brace_continue(state, _code(stripped, python=False))
            return None
        code = _code(stripped, python=False)
        if not line.complete:  # a word still being written ("fun") may become another
            code = _WORD_TAIL.sub("", code)
        starts_definition = _brace_definition(code)
        if _stops_after_compound(state, frame, starts_definition):
            return state.content_end
    _reset(state)
    code = _code(stripped, python=False)
    if line.complete and code.count("{") > code.count("}"):
        state.open = True
        state.definition = _brace_definition(code) or (
            not word and _brace_definition(_code(state.previous, python=False))
        )
    return None


def _brace_continue(state: _Block, code: str) -> None:
    """A "}", "} else {", "{" or `else` line at the base of an open/closed compound."""
    braces = [char for char in code if char in "{}"]
    if braces and braces[-1] == "{":
        state.open, state.body, state.closed = True, False, False
    elif braces:
        state.open, state.body, state.closed = False, False, True


def _stops_after_compound(state: _Block, frame: _Frame, starts_definition: bool) -> bool:
    """Whether a statement at the base indent, after a finished compound, ends the block.

    At top level, yes: the next statement is the model rambling on. Inside a body,
    only a second definition after a definition does (a method after a method);
    a helper function followed by `return helper(...)` is one body.
    """
    return frame.base == 0 or (state.definition and starts_definition)


def _reset(state: _Block) -> None:
    state.open = state.body = state.closed = state.definition = False


def _first_word(stripped: str, complete: bool, keywords: frozenset[str]) -> tuple[str, bool]:
    """The identifier a line starts with ("" if none), and whether that is enough to
    tell if it is one of `keywords` (a cut-off "el" may still become "else")."""
    match = _WORD.match(stripped)
    if match is None:
        return "", True
    word = match.group()
    if match.end() == len(stripped) and not complete:
        return word, not any(keyword.startswith(word) for keyword in keywords)
    return word, True


def _python_definition(stripped: str) -> bool:
    return _PY_DEFINITION.match(stripped) is not None


def _brace_definition(code: str) -> bool:
    match = _WORD.match(code.strip())
    if match is not None and match.group() in _CONTROL:
        return False
    before_brace = code.split("{", 1)[0]
    return bool(
        _DEFINITION_WORD.search(code)
        or _ARROW_DEFINITION.match(code)
        or _C_SIGNATURE.match(before_brace)
    )


# --- source scanning (strings and comments skipped) -------------------------


def skip_pattern(python: bool) -> str:
    """Strings and comments, whose brackets and colons do not count.

    Deliberately simple: quoted strings end at the line's end (Python triple
    quotes and JS template literals may span lines); comments are `#` in
    Python-like languages, `//` and `/* */` elsewhere.
    """

    def quoted(quote: str, multiline: bool = False) -> str:
        body = r"[^\\]" if multiline else r"[^\\\n]"
        return rf"{quote}(?:\\[\s\S]|(?!{quote}){body})*(?:{quote}|(?=\n)|\Z)"

    strings = [quoted('"'), quoted("'")]
    if python:
        triple = [rf"{q}[\s\S]*?(?:{q}|\Z)" for q in ('"""', "'''")]
        return "|".join([*triple, *strings, r"\#[^\n]*"])
    return "|".join([*strings, quoted("`", multiline=True), r"//[^\n]*", r"/\*[\s\S]*?(?:\*/|\Z)"])


_SKIP = {python: re.compile(skip_pattern(python)) for python in (True, False)}
_BRACKET_TOKEN = {
    python: re.compile(rf"(?:{skip_pattern(python)})|([()\[\]{{}}])") for python in (True, False)
}


def _brackets(text: str, python: bool) -> Iterator[tuple[int, str]]:
    """Index and character of every bracket outside strings and comments."""
    for match in _BRACKET_TOKEN[python].finditer(text):
        if match.group(1):
            yield match.start(1), match.group(1)


def _code(text: str, python: bool) -> str:
    """`text` without its strings and comments."""
    return _SKIP[python].sub("", text)


def _open_brackets(text: str, python: bool) -> list[str]:
    """Brackets `text` opens and leaves open, innermost last."""
    stack: list[str] = []
    for _, char in _brackets(text, python):
        if char in _OPENERS:
            stack.append(char)
        elif stack and stack[-1] == _PAIRS[char]:
            stack.pop()
    return stack


# --- tidying ------------------------------------------------------------------


def _trim_repeated_rest(line: str, suffix: str, python: bool) -> str:
    """LINE mode: drop a tail that the rest of the current line already has.

    A tail counts when it is the whole rest of the line, or only closing
    punctuation; it is not dropped when it closes a bracket the line opened.
    """
    newline = suffix.find("\n")
    rest = (suffix if newline < 0 else suffix[:newline]).strip()
    for size in range(min(len(rest), len(line)), 0, -1):
        tail = rest[:size]
        if not line.endswith(tail):
            continue
        if size < len(rest) and not set(tail) <= _TRIMMABLE:
            continue
        kept = line[: len(line) - size]
        if not _open_brackets(kept, python) or not set(tail) & set(_PAIRS):
            return kept.rstrip()
    return line


def _tidy_block(text: str, insertion: Insertion, frame: _Frame) -> str:
    lines = [line.rstrip() for line in (frame.head + text).split("\n")]
    head_is_indent = not frame.head.strip()
    if head_is_indent:
        while len(lines) > 1 and not lines[0]:
            lines.pop(0)
        if not _model_chose_the_level(lines, insertion, frame):
            lines = _reindent(lines, insertion.indent, frame.base)
    lines = _cut_repeated_suffix(lines, _suffix_line(frame.head, insertion.suffix))
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return ""
    first = lines[0]
    if not head_is_indent or first.startswith(frame.head):
        first = first[len(frame.head) :]
    else:
        first = first.lstrip()
    return "\n".join([first, *lines[1:]])


def _model_chose_the_level(lines: list[str], insertion: Insertion, frame: _Frame) -> bool:
    """True when the cursor is at column 0 of a blank line after indented code, nothing
    fixed the indentation (no block opener, no comment prompt), and the model wrote at
    one of the levels open there: whether the code goes on in the block or after it
    is the model's call, not a shift to column 0."""
    if frame.head or insertion.indent or insertion.comment is not None:
        return False
    first = next((line for line in lines if line), "")
    return 0 < _width(_indent_of(first)) <= _width(_previous_indent(insertion.prefix))


def _previous_indent(prefix: str) -> str:
    """The indentation of the last non-blank line of `prefix`."""
    end = len(prefix)
    while end > 0:
        start = prefix.rfind("\n", 0, end - 1) + 1
        text = prefix[start:end].rstrip("\r\n")
        if text.strip():
            return _indent_of(text)
        end = start
    return ""


def _reindent(lines: list[str], indent: str, base: int) -> list[str]:
    """Shift lines written at another base indentation onto `indent`."""
    firsts = [line for line in lines if line]
    if not firsts:
        return lines
    first = firsts[0]
    model_base = _width(_indent_of(first))
    if first.lstrip()[0] in _PAIRS and model_base < base:
        model_base = base
    if model_base == base:
        return lines
    shifted = []
    for line in lines:
        own = _indent_of(line)
        width = _width(own)
        if not line:
            new = ""
        elif width >= model_base:
            new = indent + _drop_width(own, model_base)
        else:
            new = _take_width(indent, base - (model_base - width))
        shifted.append(new + line[len(own) :])
    return shifted


def _drop_width(indent: str, columns: int) -> str:
    """`indent` without its first `columns` columns."""
    used = 0
    for i, char in enumerate(indent):
        if used >= columns:
            return indent[i:]
        used += _width(char)
    return ""


def _take_width(indent: str, columns: int) -> str:
    """The first `columns` columns of `indent` (spaces if it is too short)."""
    if columns <= 0:
        return ""
    taken = indent[: len(indent) - len(_drop_width(indent, columns))]
    return taken + " " * max(0, columns - _width(taken))


def _cut_repeated_suffix(lines: list[str], anchor: tuple[int, str] | None) -> list[str]:
    """Lines up to where they start repeating the suffix's first non-blank line."""
    if anchor is None:
        return lines
    for i, line in enumerate(lines):
        if line and (_width(_indent_of(line)), line.strip()) == anchor:
            return lines[:i]
    return lines


def _drop_surplus_closers(text: str, insertion: Insertion, python: bool) -> str:
    """Drop closing brackets at the end that nothing around the insertion opened."""
    surplus = _surplus_closers(text, insertion, python)
    if not surplus or not set(text[surplus[0] :]) <= _TRAILING:
        return text
    dropped = set(surplus)
    kept = "".join(char for i, char in enumerate(text) if i not in dropped)
    lines = [line.rstrip() for line in kept.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _surplus_closers(text: str, insertion: Insertion, python: bool) -> list[int]:
    """Indices of closers in `text` that close nothing, given the prefix and suffix."""
    outer: list[str] | None = None  # scanned only for a closer `text` did not open
    stack: list[str] = []
    surplus: list[int] = []
    for i, char in _brackets(text, python):
        if char in _OPENERS:
            stack.append(char)
        elif stack:
            if stack.pop() != _PAIRS[char]:
                return []  # mismatched brackets: leave the text alone
        else:
            if outer is None:
                outer = _left_open(insertion, python)
            if outer and outer[-1] == _PAIRS[char]:
                outer.pop()
            else:
                surplus.append(i)
    return surplus


def _left_open(insertion: Insertion, python: bool) -> list[str]:
    """Brackets open at the insertion point that the suffix does not close first."""
    outer = _open_brackets(_prefix_window(insertion), python)
    for char in _leading_closers(insertion.suffix):
        if not outer or outer[-1] != _PAIRS[char]:
            break
        outer.pop()  # the document already closes this one
    return outer


def _prefix_window(insertion: Insertion) -> str:
    prefix = insertion.prefix
    if len(prefix) > _PREFIX_WINDOW:
        window = prefix[-_PREFIX_WINDOW:]
        prefix = window[window.find("\n") + 1 :]  # start on a line boundary
    return prefix + insertion.leading


def _leading_closers(suffix: str) -> Iterator[str]:
    for char in suffix:
        if char in _PAIRS:
            yield char
        elif not char.isspace():
            return
