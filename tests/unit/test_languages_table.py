"""The language tables (README.md and docs/languages.md) say, per language, what is parsed
and what is run: every cell is checked against the code here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.ranking.examples import extract_examples
from lsp_codegen.ranking.syntax import check_syntax, parser_for
from lsp_codegen.sandbox.node import (
    NO_COMPILER,
    NO_JSX,
    NodeRuntime,
    is_javascript,
    is_typescript,
    typescript_mode,
)
from lsp_codegen.server.sandbox_host import SandboxHost

ROOT = Path(__file__).resolve().parents[2]
OTHERS = ["cpp", "java", "ruby", "csharp", "kotlin"]  # "any other"
EXAMPLE = {"#": "# add(1, 2) == 3", "//": "// add(1, 2) === 3", "--": "-- add(1, 2) == 3"}


def _rows(path: Path) -> list[tuple[list[str], str, str]]:
    """(languageIds, syntax cell, examples cell) of the table under "Languages"."""
    text = path.read_text(encoding="utf-8")
    section = text.split("# Languages", 1)[1] if path.name == "README.md" else text
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0] or cells[0].startswith(("language", "---")):
            continue
        ids = re.findall(r"`([a-z]+)`", cells[0]) or (OTHERS if "other" in cells[0] else [])
        rows.append((ids, cells[1], cells[2]))
        if "other" in cells[0]:
            break
    return rows


TABLES = [ROOT / "README.md", ROOT / "docs" / "languages.md"]


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_the_table_names_every_language_with_a_grammar(path: Path) -> None:
    named = {language for ids, _, _ in _rows(path) for language in ids}
    grammars = {"python", "javascript", "javascriptreact", "typescript", "typescriptreact"}
    assert grammars | {"go", "rust", "c", "lua"} <= named


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_the_syntax_cells(path: Path) -> None:
    for ids, syntax, _ in _rows(path):
        for language in ids:
            document = "x = (\n" if language == "python" else "int x = (\n"
            insertion = locate_insertion(document, len(document), language)
            detail = check_syntax(insertion, "1").detail
            if "CPython" in syntax:
                assert language == "python"
            elif "tree-sitter" in syntax:
                assert parser_for(language) is not None, language
            else:
                assert "not parsed" in syntax
                assert parser_for(language) is None and detail.startswith("no parser"), language


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
async def test_the_examples_cells(path: Path) -> None:
    host = SandboxHost(lambda: (None, ""), lambda _: None)
    node_20 = NodeRuntime(Path("/usr/bin/node"), "PATH", "20.20.2")
    for ids, _, examples in _rows(path):
        for language in ids:
            extracted = [
                check
                for comment in EXAMPLE.values()
                for check in extract_examples(comment[comment.index(" ") + 1 :], language, "add")
            ]
            if "Python" in examples:
                assert language == "python" and extracted
            elif "JSX" in examples:
                assert examples.startswith("not run") and extracted
                assert await host.for_language(language, "") == (None, NO_JSX)
            elif "Node" in examples:
                assert extracted and (is_javascript(language) or is_typescript(language))
                if "typescript" in examples:
                    assert is_typescript(language)
                    assert typescript_mode(node_20, None) == (None, NO_COMPILER)
                    assert "else not run" in examples
                else:
                    assert is_javascript(language)
            else:
                assert examples == "not run"
                assert extracted == []
                assert await host.for_language(language, "") == (None, "")
    await host.close()
