"""LSP languageIds for file names, for the command line (editors send their own)."""

from __future__ import annotations

from pathlib import Path

_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascriptreact",
    ".ts": "typescript",
    ".tsx": "typescriptreact",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".java": "java",
    ".cs": "csharp",
    ".kt": "kotlin",
    ".swift": "swift",
    ".scala": "scala",
    ".dart": "dart",
    ".php": "php",
    ".zig": "zig",
    ".rb": "ruby",
    ".r": "r",
    ".sh": "shellscript",
    ".bash": "shellscript",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".pl": "perl",
    ".toml": "toml",
    ".jl": "julia",
    ".ex": "elixir",
    ".exs": "elixir",
    ".lua": "lua",
    ".sql": "sql",
    ".hs": "haskell",
    ".elm": "elm",
}


def language_for_path(path: Path) -> str:
    """The languageId for `path` by its suffix; "plaintext" when unknown."""
    return _BY_SUFFIX.get(path.suffix.lower(), "plaintext")
