"""Context from other open files: choosing snippets, recency, and their place in the prompt."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.config import ContextSettings, Settings
from lsp_codegen.context.document import Document, DocumentStore
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.neighbors import (
    LINES_BEFORE_EDIT,
    SNIPPET_LINES,
    choose_snippets,
    file_header,
    other_file_snippets,
    snippet_body,
)
from lsp_codegen.context.prompt import build_prompt, fit_snippets
from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.engine.base import CancelToken
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.pipeline import generate
from tests.unit.context.test_context_prompt import FIM, FakeWhitespaceTokenizer, numbered


def doc(name: str, text: str, language: str = "python") -> Document:
    return Document(f"file:///work/{name}", language, 1, text)


def never_edited(uri: str) -> int | None:
    return None


def lines(count: int) -> str:
    return "".join(f"line{n} = {n}\n" for n in range(count))


def test_same_language_first_then_recency_without_the_current_file() -> None:
    current = doc("main.py", "import utils\n")
    recent = [
        doc("app.js", "const a = 1;\n", "javascript"),
        current,
        doc("utils.py", "def helper():\n    return 2\n"),
        doc("models.py", "class User:\n    pass\n"),
    ]
    snippets = choose_snippets(current, recent, never_edited, 3)
    assert snippets == [
        "# File: utils.py\ndef helper():\n    return 2\n",
        "# File: models.py\nclass User:\n    pass\n",
        "# File: app.js\nconst a = 1;\n",
    ]
    assert choose_snippets(current, recent, never_edited, 1) == snippets[:1]
    assert choose_snippets(current, recent, never_edited, 0) == []


def test_empty_documents_and_repeated_code_are_skipped() -> None:
    current = doc("main.py", "")
    recent = [doc("a.py", "x = 1\n"), doc("copy/a.py", "x = 1\n"), doc("blank.py", " \n\n")]
    assert choose_snippets(current, recent, never_edited, 3) == ["# File: a.py\nx = 1\n"]


def test_a_snippet_is_the_region_around_the_last_edit_or_the_head() -> None:
    document = doc("big.py", lines(200))
    head = snippet_body(document, None)
    assert head == lines(SNIPPET_LINES)
    around = snippet_body(document, 100).splitlines()
    assert around[0] == f"line{100 - LINES_BEFORE_EDIT} = {100 - LINES_BEFORE_EDIT}"
    assert len(around) == SNIPPET_LINES
    assert snippet_body(document, 10_000).splitlines()[-1] == "line199 = 199"  # clamped
    assert snippet_body(doc("short.py", "a = 1"), None) == "a = 1\n"  # ends a line


def test_headers_follow_the_current_language_and_decode_the_name() -> None:
    assert file_header("file:///src/my%20utils.py", "python") == "# File: my utils.py\n"
    assert file_header("file:///src/a.ts", "typescript") == "// File: a.ts\n"
    assert file_header("file:///src/a.lua", "lua") == "-- File: a.lua\n"
    assert file_header("file:///src/page.html", "html") == "<!-- File: page.html -->\n"
    assert file_header("untitled:Untitled-1", "python") == "# File: Untitled-1\n"


def test_the_store_orders_by_last_open_or_edit_and_remembers_the_edit_line() -> None:
    store = DocumentStore()
    store.open("file:///a.py", "python", 1, lines(50))
    store.open("file:///b.py", "python", 1, "b = 1\n")
    assert [d.uri for d in store.recent()] == ["file:///b.py", "file:///a.py"]
    store.change("file:///a.py", 2, [(((30, 0), (30, 0)), "# new\n")])
    assert [d.uri for d in store.recent()] == ["file:///a.py", "file:///b.py"]
    assert store.edited_line("file:///a.py") == 30
    assert store.edited_line("file:///b.py") is None
    store.change("file:///a.py", 3, [(None, "whole\n")])  # a full replacement: line kept
    assert store.edited_line("file:///a.py") == 30
    store.close("file:///a.py")
    assert [d.uri for d in store.recent()] == ["file:///b.py"]
    assert store.edited_line("file:///a.py") is None


def test_typing_in_the_current_file_leaves_the_snippets_unchanged() -> None:
    store = DocumentStore()
    store.open("file:///utils.py", "python", 1, lines(100))
    store.change("file:///utils.py", 2, [(((60, 0), (60, 0)), "def helper():\n")])
    current = store.open("file:///main.py", "python", 1, "x = ")
    before = other_file_snippets(store, current, 3)
    for column, char in enumerate("helper()", start=4):
        at = (0, column)
        typed = store.change("file:///main.py", column, [((at, at), char)])
        assert typed is not None
        assert other_file_snippets(store, typed, 3) == before
    assert typed is not None and typed.text == "x = helper()"
    assert "def helper():" in before[0]


def insertion(prefix: str, suffix: str = "") -> Insertion:
    return Insertion(len(prefix), Mode.BLOCK, "", prefix, suffix, "python")


def test_fit_snippets_shares_the_budget_and_drops_bare_headers() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    small = "# File: a.py\nx = 1\n"  # 6 tokens
    large = "# File: b.py\n" + numbered(0, 50)  # 3 + 100 tokens
    fitted = fit_snippets([small, large], 30, tokenizer.count)
    assert fitted.startswith(small)
    assert fitted == small + "# File: b.py\n" + numbered(0, 10)  # the rest: 24 → 3 + 20
    assert fit_snippets([large], 4, tokenizer.count) == ""  # only the header would fit
    assert fit_snippets([], 100, tokenizer.count) == ""


def test_an_example_fits_whole_or_not_at_all() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    example = "# Add.\ndef add(a, b):\n    return a + b\n\n\n"  # 10 tokens
    snippet = "# File: b.py\n" + numbered(0, 50)
    assert fit_snippets([example, snippet], 20, tokenizer.count, whole=1).startswith(example)
    cut = fit_snippets([example, snippet], 12, tokenizer.count, whole=1)  # its share: 6
    assert "def add" not in cut and cut.startswith("# File: b.py\n")
    assert fit_snippets([example], 6, tokenizer.count).startswith("# Add.\ndef")  # cut


def test_the_extra_context_comes_first_within_its_share() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    snippet = "# File: b.py\n" + numbered(0, 50)
    plain = build_prompt(insertion(numbered(100, 200)), tokenizer.count, 100, None)
    prompt = build_prompt(insertion(numbered(100, 200)), tokenizer.count, 100, None, [snippet], 25)
    assert prompt.extra == "# File: b.py\n" + numbered(0, 11)  # 3 + 22 = 25 tokens
    assert prompt.text == prompt.extra + prompt.prefix
    assert tokenizer.count(prompt.text) <= 100
    assert len(prompt.prefix) < len(plain.prefix)  # the document gave up what the files took
    with_fim = build_prompt(
        insertion(numbered(100, 200), "end\n"), tokenizer.count, 100, FIM, [snippet], 25
    )
    assert with_fim.text.startswith("<P>" + with_fim.extra + with_fim.prefix)
    assert tokenizer.count(with_fim.text) <= 100


def test_the_extra_context_never_takes_more_than_half() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    snippet = "# File: b.py\n" + numbered(0, 500)
    prompt = build_prompt(
        insertion(numbered(1000, 1100)), tokenizer.count, 100, None, [snippet], 1000
    )
    assert tokenizer.count(prompt.extra) <= 50
    assert tokenizer.count(prompt.text) <= 100


def test_keystrokes_keep_the_start_of_the_prompt() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    snippets = ["# File: a.py\n" + numbered(0, 30), "# File: b.py\n" + numbered(30, 60)]
    prefix = numbered(100, 120) + "def f"
    first = build_prompt(insertion(prefix), tokenizer.count, 200, None, snippets, 50)
    second = build_prompt(insertion(prefix + "(x"), tokenizer.count, 200, None, snippets, 50)
    assert first.extra == second.extra != ""
    assert second.text.startswith(first.text[: -len("def f")])


async def test_generate_sends_the_other_files_first(tiny_model_dir: Path) -> None:
    engine = load_local_engine(LoadOptions(model=str(tiny_model_dir)), print, lambda _: None)
    source = "result = helper_defined_elsewhere("
    snippet = "# File: utils.py\ndef helper_defined_elsewhere(a):\n    return a\n"
    context = ContextSettings(in_context_examples=0)  # the other files alone
    settings = Settings(num_candidates=1, max_new_tokens=2, context=context)
    located = locate_insertion(source, len(source), "python")
    result = await generate(engine, located, settings, CancelToken(), extra=[snippet])
    assert result.prompt.extra == snippet
    assert result.prompt.text == snippet + source
