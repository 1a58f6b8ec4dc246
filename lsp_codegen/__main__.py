"""`python -m lsp_codegen` is the `lsp-codegen` command."""

import sys

from lsp_codegen.cli import main

sys.exit(main())
