"""The language server object: state shared by every feature, and its construction."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from lsp_codegen import __version__
from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.context.document import Document, DocumentStore
from lsp_codegen.engine.factory import EngineFactory, load_engine
from lsp_codegen.server.comment_runs import CommentRuns
from lsp_codegen.server.debounce import TypingRhythm
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.server.inline_cache import ShownSuggestions
from lsp_codegen.server.jsonrpc.protocol import CodegenProtocol
from lsp_codegen.server.model_host import ModelHost
from lsp_codegen.server.pending import PendingGenerations
from lsp_codegen.server.retention import RetentionService
from lsp_codegen.server.sandbox_host import SandboxHost
from lsp_codegen.server.supersede import LatestRequests
from lsp_codegen.server.tasks import BackgroundTasks
from lsp_codegen.server.traces import TraceLog
from lsp_codegen.server.usage import UsageLog

log = logging.getLogger(__name__)


class CodegenServer(LanguageServer):
    """pygls server plus settings, our own document store, the model host and tasks."""

    def __init__(self, engine_factory: EngineFactory = load_engine) -> None:
        super().__init__("lsp-codegen", __version__, protocol_cls=CodegenProtocol)
        self.settings = Settings()
        self.documents = DocumentStore()
        self.tasks = BackgroundTasks()
        self.models = ModelHost(self, engine_factory)
        self.comment_runs = CommentRuns(self.tasks)
        self.latest_requests = LatestRequests()
        self.shown = ShownSuggestions()
        self.pending = PendingGenerations()
        self.rhythm = TypingRhythm()
        self.sandboxes = SandboxHost(
            lambda: (self.workspace.root_path, self.settings.python.interpreter),
            lambda problem: self.notify_user(problem, error=False),
        )
        self.traces = TraceLog()
        self.usage = UsageLog(self.documents, lambda: self.settings.stats.enabled)
        self.retention = RetentionService(self.documents, self.usage, self.tasks)
        self.closing = False  # set at shutdown: background work must not write any more
        # Set by the client's `initialized`: requests to the client wait for it (a client
        # may refuse them before, as VS Code sometimes does).
        self.client_initialized = asyncio.Event()

    @property
    def encoding(self) -> str:
        """The negotiated position encoding ("utf-16" unless the client chose another)."""
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return encoding.value if isinstance(encoding, types.PositionEncodingKind) else encoding

    def document(self, uri: str) -> Document:
        """The open document at `uri`, or an InvalidParams error naming it."""
        document = self.documents.get(uri)
        if document is None:
            raise invalid_params(f"document {uri} is not open (send textDocument/didOpen first)")
        return document

    def apply_settings(self, raw: object) -> None:
        """Overlay client settings; tell the user about each invalid value; reload if needed."""
        self.settings, problems = parse_settings(raw, self.settings)
        for problem in problems:
            self.notify_user(problem, error=False)
        self.models.ensure_loaded(self.settings)

    async def release(self) -> None:
        """Stop background work and free the model and sandboxes (shutdown, or a lost stream)."""
        if self.closing:
            return  # released already (shutdown, then exit)
        self.closing = True
        self.retention.stop()
        self.tasks.cancel_all()
        self.pending.cancel_all()
        self.models.close()
        await self.sandboxes.close()

    def notify_user(self, message: str, *, error: bool) -> None:
        """Show a message in the editor (window/showMessage) and log it."""
        kind = types.MessageType.Error if error else types.MessageType.Warning
        (log.error if error else log.warning)("%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
