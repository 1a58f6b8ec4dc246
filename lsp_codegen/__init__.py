"""lsp-codegen: comments and cursor positions in any LSP editor, turned into checked code."""

__version__ = "0.1.0"
