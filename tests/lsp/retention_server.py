"""`lsp-codegen serve` on stdio with retention checkpoints of 1, 2 and 3 seconds.

Run as `python -m tests.lsp.retention_server`: the real server, whose
RetentionService.checkpoints (30 s, 2 min, 10 min in use) is shortened so the
end-to-end retention tests wait seconds, not ten minutes. For those tests only.
"""

from __future__ import annotations

import sys

from lsp_codegen.server.build import create_server
from lsp_codegen.server.jsonrpc.transport import serve_stdio

CHECKPOINTS = (1.0, 2.0, 3.0)


def main() -> int:
    """Serve with the short checkpoints."""
    server = create_server()
    server.retention.checkpoints = CHECKPOINTS
    return serve_stdio(server)


if __name__ == "__main__":
    sys.exit(main())
