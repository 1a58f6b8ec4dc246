/** Starting the language server and wiring its requests to the status bar. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorHandler,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { CandidateRing, offersShowAll, SHOW_ALL_TITLE } from './candidates';
import { GENERATE_TITLE } from './requests';
import { exitedMessage, resolveServerCommand, ServerCommand } from './serverCommand';
import { SECTION, toServerSettings } from './settings';
import { StatusItem } from './status';
import { EmptyAnswerNotes, itemCount } from './why';
import { WhyDocuments } from './whyView';

export const LANGUAGES = ['python', 'javascript', 'typescript', 'go', 'rust', 'c', 'cpp', 'lua'];
export const ENGINE_STATUS = 'lsp-codegen.engineStatus';
const MAX_RESTARTS = 2;

/** Everything the extension's parts share. */
export interface Session {
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  status: StatusItem;
  ring: CandidateRing;
  notes: EmptyAnswerNotes;
  why: WhyDocuments;
}

/** The server command from the settings, the workspace's .venv, or PATH. */
export function findServer(): ServerCommand {
  const config = vscode.workspace.getConfiguration(SECTION);
  return resolveServerCommand({
    configuredPath: config.get<string>('server.path', ''),
    args: config.get<string[]>('server.args'),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    pathEnv: process.env['PATH'] ?? '',
    isExecutable,
  });
}

/** The settings to send, read from `lspCodegen.*`. */
export function currentSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  return toServerSettings((key) => config.get(key));
}

/** A client for `command`, not started yet. */
export function createClient(
  command: { command: string; args: string[] },
  output: vscode.LogOutputChannel,
  status: StatusItem,
  ring: CandidateRing,
  notes: EmptyAnswerNotes,
): LanguageClient {
  const options: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ language })),
    initializationOptions: currentSettings(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: statusMiddleware(status, ring, notes),
    errorHandler: errorHandler(command.command, status),
  };
  return new LanguageClient('lspCodegen', 'lsp-codegen', command, options);
}

/** Ask the server for its engine status until the model is ready or failed. */
export async function watchModel(session: Session, pollMs = 1000): Promise<void> {
  try {
    while (!(await showModelState(session))) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } catch (error) {
    // The client stopped or the server went away: the error handler has said why.
    session.output.appendLine(`engine status unavailable: ${String(error)}`);
  }
}

/** Show the model's state; true once it is settled (ready or failed). */
async function showModelState(session: Session): Promise<boolean> {
  const status = await engineStatus(session.client);
  const settings = status['settings'] as Record<string, unknown> | undefined;
  const model = String(status['model'] ?? settings?.['model'] ?? '');
  if (status['error']) {
    session.status.set({ kind: 'error', message: String(status['error']) });
    session.output.appendLine(`model error: ${String(status['error'])}`);
    return true;
  }
  if (status['ready']) {
    session.status.set({ kind: 'idle', model, candidate: '' });
    return true;
  }
  session.status.set({ kind: 'loading', model });
  return false;
}

async function engineStatus(client: LanguageClient): Promise<Record<string, unknown>> {
  const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
    command: ENGINE_STATUS,
    arguments: [],
  });
  return typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
}

function statusMiddleware(status: StatusItem, ring: CandidateRing, notes: EmptyAnswerNotes): Middleware {
  return {
    provideInlineCompletionItems: (document, position, context, token, next) =>
      status.around(async () => {
        const result = await next(document, position, context, token);
        const count = itemCount(result);
        ring.reset(count);
        status.candidate(ring.label());
        // An empty answer: one lastCompletion request for the tooltip's "why"; none otherwise.
        void notes.answered(document.uri.toString(), count, token.isCancellationRequested);
        return result;
      }),
    // VS Code asks for code actions on every cursor move; only an explicit request
    // (Ctrl+., the light bulb) starts the candidates, and the menu never waits for them:
    // until they are written it offers the quick pick that fills in when they are.
    provideCodeActions: async (document, range, context, token, next) => {
      const actions = await next(document, range, context, token);
      return context.triggerKind === vscode.CodeActionTriggerKind.Invoke ? withShowAll(actions) : actions;
    },
    // "Show all candidates…" is the extension's own entry: the server has nothing to resolve.
    resolveCodeAction: (item, token, next) =>
      item.title === SHOW_ALL_TITLE ? item : status.around(async () => next(item, token)),
  };
}

/** The menu plus "Show all candidates…" when it offers the comment's action but no candidate yet. */
function withShowAll(
  actions: (vscode.Command | vscode.CodeAction)[] | null | undefined,
): (vscode.Command | vscode.CodeAction)[] | null | undefined {
  if (!offersShowAll((actions ?? []).map((action) => action.title), GENERATE_TITLE)) {
    return actions;
  }
  const showAll = new vscode.CodeAction(SHOW_ALL_TITLE, vscode.CodeActionKind.RefactorRewrite);
  showAll.command = { title: SHOW_ALL_TITLE, command: 'lspCodegen.showCandidates' };
  return [...(actions ?? []), showAll];
}

function errorHandler(command: string, status: StatusItem): ErrorHandler {
  let restarts = 0;
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: (): CloseHandlerResult => {
      if (restarts < MAX_RESTARTS) {
        restarts += 1;
        return { action: CloseAction.Restart, handled: true };
      }
      const message = exitedMessage(command, restarts);
      status.set({ kind: 'error', message: 'the server exited' });
      void showWithLog(message);
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

/** An error message with buttons for the log and the settings. */
export async function showWithLog(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Output', 'Open Settings');
  if (choice === 'Show Output') {
    await vscode.commands.executeCommand('lspCodegen.showOutput');
  } else if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'lspCodegen.server');
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
