/**
 * Which executable starts the server, and what to tell the user when there is none.
 * Pure: the file system and PATH are passed in, so it is unit-tested in Node.
 */
import * as path from 'node:path';

export const DEFAULT_ARGS: readonly string[] = ['serve', '--stdio'];
const EXECUTABLE = 'lsp-codegen';

export interface CommandInputs {
  /** `lspCodegen.server.path`; empty means "find it". */
  configuredPath: string;
  /** `lspCodegen.server.args`. */
  args: readonly string[] | undefined;
  /** Workspace folders' file system paths, searched for `.venv/bin/lsp-codegen`. */
  workspaceFolders: readonly string[];
  /** The `PATH` environment variable. */
  pathEnv: string;
  /** Whether an executable file exists at this path. */
  isExecutable: (file: string) => boolean;
}

export type ServerCommand =
  | { found: true; command: string; args: string[] }
  | { found: false; message: string };

/** Resolve the configured path, the workspace's virtualenv, then PATH. */
export function resolveServerCommand(inputs: CommandInputs): ServerCommand {
  const args = [...(inputs.args ?? DEFAULT_ARGS)];
  const configured = inputs.configuredPath.trim();
  const candidates = configured
    ? [expandHome(configured)]
    : [...venvCandidates(inputs.workspaceFolders), ...pathCandidates(inputs.pathEnv)];
  const command = candidates.find((file) => inputs.isExecutable(file));
  if (command !== undefined) {
    return { found: true, command, args };
  }
  return { found: false, message: missingMessage(configured) };
}

/** What went wrong and how to fix it, for a command that is not there. */
export function missingMessage(configured: string): string {
  const what = configured
    ? `"${configured}" (lspCodegen.server.path) does not exist or is not executable`
    : `"${EXECUTABLE}" was found neither in the workspace's .venv/bin nor on PATH`;
  return (
    `lsp-codegen: the language server ${what}. Fix: install it (` +
    '`pip install lsp-codegen`, or `make install` in its checkout) and set ' +
    '"lspCodegen.server.path" to the full path of the lsp-codegen executable.'
  );
}

/** What to tell the user when the server process ended on its own. */
export function exitedMessage(command: string, restarts: number): string {
  return (
    `lsp-codegen: the language server (${command}) exited` +
    (restarts > 0 ? ` ${restarts + 1} times; not restarting` : '') +
    '. Its log is in the "lsp-codegen" output channel. Check "lspCodegen.server.path" and ' +
    '"lspCodegen.server.args" (they must start `lsp-codegen serve --stdio`), then run ' +
    '"lsp-codegen: Restart server".'
  );
}

function venvCandidates(folders: readonly string[]): string[] {
  return folders.flatMap((folder) => [
    path.join(folder, '.venv', 'bin', EXECUTABLE),
    path.join(folder, 'venv', 'bin', EXECUTABLE),
  ]);
}

function pathCandidates(pathEnv: string): string[] {
  return pathEnv
    .split(path.delimiter)
    .filter((dir) => dir.length > 0)
    .map((dir) => path.join(dir, EXECUTABLE));
}

function expandHome(file: string): string {
  const home = process.env['HOME'];
  return file.startsWith('~/') && home ? path.join(home, file.slice(2)) : file;
}
