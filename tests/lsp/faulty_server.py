"""`lsp-codegen serve` on stdio with the real GPT-2 model class made to fail once.

Run as `python -m tests.lsp.faulty_server MODE`: the forward pass number
FAIL_AT of the process raises (MODE "raise": RuntimeError, "oom": torch's
OutOfMemoryError, "exit": SystemExit in the engine's worker thread); every
other call runs the real model. For engine-fault tests only.
"""

from __future__ import annotations

import sys
from typing import Any

import torch
from transformers import GPT2LMHeadModel

from lsp_codegen.server.build import create_server
from lsp_codegen.server.jsonrpc.transport import serve_stdio

FAIL_AT = 3  # mid-generation: after the prefill and a decode step

_FAULTS: dict[str, BaseException] = {
    "raise": RuntimeError("injected model failure"),
    "oom": torch.OutOfMemoryError("injected: out of memory"),
    "exit": SystemExit(9),
}


def _failing_forward(fault: BaseException) -> Any:
    real_forward = GPT2LMHeadModel.forward
    calls = 0

    def forward(self: GPT2LMHeadModel, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == FAIL_AT:
            raise fault
        return real_forward(self, *args, **kwargs)

    return forward


def main() -> int:
    """Serve with the fault named on the command line injected."""
    GPT2LMHeadModel.forward = _failing_forward(_FAULTS[sys.argv[1]])  # type: ignore[method-assign]
    return serve_stdio(create_server())


if __name__ == "__main__":
    sys.exit(main())
