/**
 * The requests the extension's commands send, built from plain protocol values so the
 * protocol test sends exactly what the extension sends. No `vscode` import.
 */
import type { CodeActionParams, CodeActionTriggerKind, ExecuteCommandParams, Range } from 'vscode-languageserver-protocol';

export const RUN_SELECTION = 'lsp-codegen.runSelection';
export const COMMENT_CANDIDATES = 'lsp-codegen.commentCandidates';
export const GENERATE_TITLE = 'Generate code from comment';

/**
 * The server's actions on an existing function, by title. "Optimize…" becomes
 * "Optimize: 2.3× faster · identical on 43 inputs" once the rewrites are verified.
 */
export const FUNCTION_ACTIONS = {
  optimize: /^Optimize/,
  explain: /^Explain$/,
  writeTests: /^Write tests/,
} as const;

export type FunctionAction = keyof typeof FUNCTION_ACTIONS;

/**
 * Code actions for a range. `Invoked` (Ctrl+.) answers at once and starts writing the
 * comment's candidates; once written, the next `Invoked` request lists every one.
 */
export function codeActionParams(uri: string, range: Range, triggerKind: CodeActionTriggerKind): CodeActionParams {
  return { textDocument: { uri }, range, context: { diagnostics: [], triggerKind } };
}

/** "Run selection": the selection (or the function around an empty one) of this version. */
export function runSelectionParams(uri: string, version: number, range: Range): ExecuteCommandParams {
  return { command: RUN_SELECTION, arguments: [{ uri, version, range }] };
}

/** "Show candidates": every candidate for the comment prompt on `line`, once written. */
export function commentCandidatesParams(uri: string, line: number): ExecuteCommandParams {
  return { command: COMMENT_CANDIDATES, arguments: [{ uri, line }] };
}
