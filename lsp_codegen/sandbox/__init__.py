"""Run candidate code and its checks in isolation, and say what happened.

interpreter, problem = find_interpreter(workspace_root, setting)
sandbox = create_sandbox(interpreter)          # inside the event loop: warms up now
result = await sandbox.run(code, [Check("assert f(2) == 4", "f(2) == 4")])
await sandbox.close()
"""

from lsp_codegen.sandbox.bench import measure_startup
from lsp_codegen.sandbox.interpreter import Interpreter, find_interpreter
from lsp_codegen.sandbox.isolation import isolation_name
from lsp_codegen.sandbox.sandbox import Sandbox, create_sandbox
from lsp_codegen.sandbox.types import Check, CheckResult, Limits, RunResult, Verdict

__all__ = [
    "Check",
    "CheckResult",
    "Interpreter",
    "Limits",
    "RunResult",
    "Sandbox",
    "Verdict",
    "create_sandbox",
    "find_interpreter",
    "isolation_name",
    "measure_startup",
]
