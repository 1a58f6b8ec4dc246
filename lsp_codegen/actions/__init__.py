"""Actions on an existing function: optimize (verified and measured), explain, write tests.

Pure code over plain data, like `ranking/`: the language server's features call
these with a document's text, an engine and a sandbox, and turn the results into
code actions. Nothing here imports pygls or lsprotocol.
"""
