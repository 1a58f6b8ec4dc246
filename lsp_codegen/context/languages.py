"""What the context code needs to know about each LSP languageId.

Comment markers, whether a language has docstrings, the default indent unit and
how a line opens a block (":" for Python-like languages, "{" for brace languages,
keywords for Lua, Ruby, Elixir, Julia and shell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CommentSyntax:
    """How comments are written in one language."""

    line_markers: tuple[str, ...]
    block: tuple[str, str] | None
    docstrings: bool = False


_HASH = CommentSyntax(("#",), None)
_C_LIKE = CommentSyntax(("//",), ("/*", "*/"))
_DASH = CommentSyntax(("--",), None)
_MARKUP = CommentSyntax((), ("<!--", "-->"))
DEFAULT_SYNTAX = CommentSyntax(("#", "//"), ("/*", "*/"))

_SYNTAX: dict[str, CommentSyntax] = {
    "python": CommentSyntax(("#",), None, docstrings=True),
    "julia": CommentSyntax(("#",), ("#=", "=#")),
    "nim": CommentSyntax(("#",), ("#[", "]#")),
    "powershell": CommentSyntax(("#",), ("<#", "#>")),
    "php": CommentSyntax(("//", "#"), ("/*", "*/")),
    "zig": CommentSyntax(("//",), None),
    "css": CommentSyntax((), ("/*", "*/")),
    "lua": CommentSyntax(("--",), ("--[[", "]]")),
    "sql": CommentSyntax(("--",), ("/*", "*/")),
    "haskell": CommentSyntax(("--",), ("{-", "-}")),
    "elm": CommentSyntax(("--",), ("{-", "-}")),
    "latex": CommentSyntax(("%",), None),
    "tex": CommentSyntax(("%",), None),
    "erlang": CommentSyntax(("%",), None),
    "matlab": CommentSyntax(("%",), ("%{", "%}")),
    "clojure": CommentSyntax((";",), None),
    "lisp": CommentSyntax((";",), None),
    "scheme": CommentSyntax((";",), None),
    "vim": CommentSyntax(('"',), None),
    "fortran": CommentSyntax(("!",), None),
}
for _language in (
    "shellscript",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ruby",
    "r",
    "yaml",
    "perl",
    "toml",
    "dockerfile",
    "makefile",
    "elixir",
    "coffeescript",
    "cmake",
    "tcl",
    "crystal",
):
    _SYNTAX[_language] = _HASH
for _language in (
    "javascript",
    "typescript",
    "javascriptreact",
    "typescriptreact",
    "go",
    "rust",
    "c",
    "cpp",
    "java",
    "csharp",
    "kotlin",
    "swift",
    "scala",
    "dart",
    "objective-c",
    "objective-cpp",
    "groovy",
    "proto",
    "jsonc",
    "scss",
    "less",
    "solidity",
    "v",
    "d",
):
    _SYNTAX[_language] = _C_LIKE
for _language in ("ada", "vhdl"):
    _SYNTAX[_language] = _DASH
for _language in ("html", "xml", "markdown", "svg"):
    _SYNTAX[_language] = _MARKUP


def comment_syntax(language_id: str) -> CommentSyntax:
    """Comment syntax of an LSP languageId; unknown ids get "#", "//" and "/* */"."""
    return _SYNTAX.get(language_id.lower(), DEFAULT_SYNTAX)


_DEFAULT_INDENT: dict[str, str] = {
    "go": "\t",
    "makefile": "\t",
    "ruby": "  ",
    "elixir": "  ",
    "crystal": "  ",
    "yaml": "  ",
    "nim": "  ",
    "dart": "  ",
    "elm": "    ",
    "haskell": "  ",
}


def default_indent_unit(language_id: str) -> str:
    """The indent unit to use when a file shows none (four spaces unless the language differs)."""
    return _DEFAULT_INDENT.get(language_id.lower(), "    ")


_COLON = re.compile(r":$")
_BRACE = re.compile(r"\{$")
_NOT_CLOSED = r"(?!.*\bend\b)"  # a line that also holds `end` closes what it opens
_OPENERS: dict[str, re.Pattern[str]] = {
    "python": _COLON,
    "nim": re.compile(r"[:=]$"),
    "lua": re.compile(rf"(\bthen|\bdo|\belse|\brepeat)$|^{_NOT_CLOSED}.*\bfunction\b.*\)$"),
    "ruby": re.compile(
        rf"^{_NOT_CLOSED}\s*(def|class|module|if|unless|while|until|case|begin|for)\b"
        r"|\bdo(\s*\|[^|]*\|)?$"
    ),
    "crystal": re.compile(
        rf"^{_NOT_CLOSED}\s*(def|class|module|struct|if|unless|while|until|case|begin)\b"
        r"|\bdo(\s*\|[^|]*\|)?$"
    ),
    "elixir": re.compile(r"\bdo$|->$"),
    "julia": re.compile(
        rf"^{_NOT_CLOSED}\s*(function|if|for|while|let|begin|struct|mutable\s+struct|module"
        r"|macro|try)\b|\bdo(\s+\w+(\s*,\s*\w+)*)?$"
    ),
    "shellscript": re.compile(r"(\{|\bthen|\bdo|\belse)$"),
    "haskell": re.compile(r"(\bwhere|\bdo|\bof|=)$"),
    "ada": re.compile(r"(\bis|\bbegin|\bthen|\bloop|\bdo|\belse|\bdeclare)$", re.IGNORECASE),
    "sql": re.compile(r"(?!)"),  # statements, not blocks: never BLOCK after code
}
_OPENERS["elm"] = _OPENERS["haskell"]
for _language in ("sh", "bash", "zsh"):
    _OPENERS[_language] = _OPENERS["shellscript"]
for _language, _syntax in _SYNTAX.items():
    if _syntax.block == ("/*", "*/") and _language not in _OPENERS:
        _OPENERS[_language] = _BRACE
_OPENERS["zig"] = _BRACE
_DEFAULT_OPENER = re.compile(r"[{:]$")


def is_python_like(language_id: str) -> bool:
    """True for languages whose blocks open with ":" and are delimited by indentation."""
    return _OPENERS.get(language_id.lower()) is _COLON


def code_part(line: str, language_id: str) -> str:
    """`line` without a trailing comment and trailing whitespace (quotes are respected)."""
    syntax = comment_syntax(language_id)
    code = _strip_line_comment(line, syntax.line_markers)
    if syntax.block is not None:
        opener, closer = syntax.block
        stripped = code.rstrip()
        if stripped.endswith(closer) and opener in stripped:
            code = stripped[: stripped.rfind(opener)]
    return code.rstrip()


def _strip_line_comment(line: str, markers: tuple[str, ...]) -> str:
    if not any(marker in line for marker in markers):
        return line  # most lines: nothing to strip, no need to walk the quotes
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif _marker_starts(line, index, markers):
            return line[:index]
        index += 1
    return line


def _marker_starts(line: str, index: int, markers: tuple[str, ...]) -> bool:
    for marker in markers:
        if line.startswith(marker, index):
            # `#` starts a comment only at a word boundary (shell `$#`, `a#b`).
            return marker != "#" or index == 0 or line[index - 1].isspace()
    return False


def opens_block(line: str, language_id: str) -> bool:
    """True when `line` (code before any trailing comment) ends by opening a block."""
    code = code_part(line, language_id)
    if not code.strip():
        return False
    pattern = _OPENERS.get(language_id.lower(), _DEFAULT_OPENER)
    return pattern.search(code) is not None
