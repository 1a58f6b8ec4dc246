/**
 * The real lsp-codegen server as a subprocess, spoken to over stdio with the same
 * JSON-RPC stack VS Code's language client uses (vscode-jsonrpc, vscode-languageserver-protocol).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, MessageConnection } from 'vscode-jsonrpc/node';
import {
  ClientCapabilities,
  CodeActionKind,
  ExecuteCommandRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  InitializeResult,
  LogMessageNotification,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

/** The repository root (editor-clients/vscode/out/test/protocol → four levels up). */
const REPO = path.resolve(__dirname, '..', '..', '..', '..', '..');

/** The Python that runs the server: $LSP_CODEGEN_PYTHON, else the repository's .venv. */
export const PYTHON = process.env['LSP_CODEGEN_PYTHON'] ?? path.join(REPO, '.venv', 'bin', 'python');

/** A model folder the pytest wrapper built (tests/conftest.py fixtures), from an environment variable. */
export function modelDir(variable: string): string {
  const dir = process.env[variable];
  if (!dir) {
    throw new Error(
      `${variable} is not set: run these tests through pytest ` +
        '(.venv/bin/python -m pytest tests/editors/test_vscode_node.py), which builds the tiny models.',
    );
  }
  return dir;
}

/**
 * What vscode-languageclient 11.0.0 declares for the features used here
 * (lib/common/codeAction.js, inlineCompletion.js, executeCommand.js, progress.js).
 */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  window: { workDoneProgress: true, showMessage: {} },
  workspace: { applyEdit: true, workspaceEdit: { documentChanges: true }, executeCommand: { dynamicRegistration: true } },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    inlineCompletion: { dynamicRegistration: true },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit', 'command'] },
      codeActionLiteralSupport: { codeActionKind: { valueSet: [CodeActionKind.Empty, CodeActionKind.RefactorRewrite] } },
    },
  },
  general: { positionEncodings: ['utf-16'] },
};

export interface Server {
  connection: MessageConnection;
  process: ChildProcessWithoutNullStreams;
  initialized: InitializeResult;
  /** window/showMessage texts, in order. */
  messages: string[];
  stderr: string[];
}

/** Spawn `python -m lsp_codegen serve --stdio` and initialize it with `settings`. */
export async function startServer(settings: Record<string, unknown>): Promise<Server> {
  const child = spawn(PYTHON, ['-m', 'lsp_codegen', 'serve', '--stdio'], { cwd: REPO });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const messages: string[] = [];
  connection.onNotification(ShowMessageNotification.type, (params) => {
    messages.push(params.message);
  });
  connection.onNotification(LogMessageNotification.type, () => undefined);
  connection.onNotification(() => undefined); // $/progress and the like
  connection.onRequest(() => null); // window/workDoneProgress/create, client/registerCapability
  connection.listen();
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: VSCODE_CAPABILITIES,
    initializationOptions: settings,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return { connection, process: child, initialized, messages, stderr };
}

/** The server's engine status (model, counters, settings as the server holds them). */
export async function engineStatus(server: Server): Promise<Record<string, unknown>> {
  return (await server.connection.sendRequest(ExecuteCommandRequest.type, {
    command: 'lsp-codegen.engineStatus',
    arguments: [],
  })) as Record<string, unknown>;
}

/** Poll until `check` holds; fail after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Wait for the model to load; fail with the server's error if it did not. */
export async function waitReady(server: Server): Promise<Record<string, unknown>> {
  let status: Record<string, unknown> = {};
  await waitUntil(async () => {
    status = await engineStatus(server);
    return Boolean(status['ready'] || status['error']);
  });
  if (status['error']) {
    throw new Error(`model failed to load: ${String(status['error'])}`);
  }
  return status;
}

/** shutdown + exit, as VS Code sends them; resolves with the exit code. */
export async function stopServer(server: Server): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => server.process.on('exit', (code) => resolve(code)));
  await server.connection.sendRequest(ShutdownRequest.type);
  await server.connection.sendNotification(ExitNotification.type);
  const code = await exited;
  server.connection.dispose();
  return code;
}
