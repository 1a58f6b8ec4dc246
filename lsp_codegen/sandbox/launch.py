"""How a sandbox starts its workers, whatever the language: the runtime's part of the argv.

A runtime (the workspace's Python, the workspace's Node) says what to run and what it
needs to see; the sandbox adds the isolation (isolation.py) and the process handling
(process.py) that every language shares.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Launch:
    """Everything about starting one worker that depends on the runtime."""

    executable: Path  # as given, not resolved (a venv's bin/python must stay a venv's)
    argv: tuple[str, ...]  # after the executable; the result fd and the tag follow
    visible: tuple[str, ...]  # paths bubblewrap must keep readable
    probe: tuple[str, ...]  # args of a cheap run that proves another uid can run it
    # Symlinks made in the worker's temp dir before it starts: (name, target), e.g.
    # node_modules -> the workspace's, so that imports resolve as in the workspace.
    links: tuple[tuple[str, str], ...] = ()
    # The runtime cannot set its own rlimits (Node): the parent sets them on the
    # worker's process before sending the job, so no candidate code runs without them.
    parent_limits: bool = False


class Runtime(Protocol):
    """What a sandbox runs its workers with (Interpreter, node.NodeSetup)."""

    @property
    def path(self) -> Path:
        """The executable."""
        ...

    @property
    def version(self) -> str:
        """Its version, as it answered ("3.11.7", "20.20.2")."""
        ...

    def launch(self) -> Launch:
        """How to start a worker; may probe the runtime (blocking, ~0.1 s, once)."""
        ...


@functools.cache
def worker_source(name: str) -> str:
    """The text of a worker script next to this module (passed with -c / -e, so the
    runtime needs nothing of lsp_codegen installed and sees none of its files)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")
