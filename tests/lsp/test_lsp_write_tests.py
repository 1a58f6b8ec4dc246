""" "Write tests for this function" over LSP with a scripted tiny model: the tests that
pass against today's function go into tests/test_<module>.py, the failing one does not."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    SERVER,
    apply_text_edit,
    code_action_params,
    init_params,
    open_document,
    tiny_options,
    wait_ready,
)

SOURCE = '''def common(xs, ys):
    """The items of xs that are also in ys, in order.

    >>> common([1, 2, 3], [3, 1])
    [1, 3]
    """
    return [x for x in xs if x in ys]
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A workspace with the module on disk and no tests folder yet."""
    (tmp_path / "shapes.py").write_text(SOURCE)
    return tmp_path


@pytest_lsp.fixture(config=SERVER)
async def writer(
    lsp_client: LanguageClient, tests_model_dir: Path, project: Path
) -> AsyncIterator[None]:
    """The model writes one test that passes and one that fails."""
    params = init_params(tiny_options(tests_model_dir))
    params.root_uri = project.as_uri()
    params.workspace_folders = [types.WorkspaceFolder(uri=project.as_uri(), name="project")]
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def _write_tests(client: LanguageClient, uri: str) -> types.CodeAction:
    actions = await client.text_document_code_action_async(code_action_params(uri, 6))
    found = [a for a in actions or [] if a.title == "Write tests for this function"]
    assert len(found) == 1 and isinstance(found[0], types.CodeAction)
    return await client.code_action_resolve_async(found[0])


async def test_only_passing_tests_go_into_a_new_test_file(
    writer: LanguageClient, project: Path
) -> None:
    await wait_ready(writer)
    uri = (project / "shapes.py").as_uri()
    open_document(writer, uri, SOURCE)
    resolved = await _write_tests(writer, uri)
    assert resolved.edit is not None
    create, change = resolved.edit.document_changes or []
    test_file = project / "tests" / "test_shapes.py"
    assert isinstance(create, types.CreateFile) and create.uri == test_file.as_uri()
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == create.uri
    (edit,) = change.edits
    text = apply_text_edit("", edit)
    assert text.startswith("from shapes import common\n")
    assert "def test_keeps_shared_items():" in text  # the model's passing test
    assert "def test_common_example_1():" in text  # from the docstring's example
    assert "test_common_wrong" not in text  # fails against today's function: dropped
    shown = [m.message for m in writer.messages if m.message.startswith("Write tests")]
    assert shown and "2 passing tests (1 failing dropped" in shown[-1], shown
    # What was written passes under pytest, run as a user would.
    test_file.parent.mkdir()
    test_file.write_text(text)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


async def test_tests_are_appended_to_an_existing_test_file(
    writer: LanguageClient, project: Path
) -> None:
    await wait_ready(writer)
    existing = "from shapes import common\n\n\ndef test_keeps_shared_items():\n    assert True\n"
    (project / "tests").mkdir()
    (project / "tests" / "test_shapes.py").write_text(existing)
    uri = (project / "shapes.py").as_uri()
    open_document(writer, uri, SOURCE)
    resolved = await _write_tests(writer, uri)
    assert resolved.edit is not None
    (change,) = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    after = apply_text_edit(existing, edit)
    assert after.startswith(existing)
    assert "def test_keeps_shared_items_2():" in after  # renamed away from the existing one
    assert after.count("from shapes import common") == 1
