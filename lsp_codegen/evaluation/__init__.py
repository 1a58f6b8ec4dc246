"""`lsp-codegen eval`: how often the pipeline's code passes hidden tests.

Problems come in HumanEval's JSONL format (`problems`); the runner generates
candidates for each prompt and judges every one in the sandbox (`runner`),
showing a text progress bar on stderr (`progress`); the report module writes
the results as JSON and as a self-contained HTML page (`report`).
"""
