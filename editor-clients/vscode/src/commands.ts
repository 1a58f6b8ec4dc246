/** The extension's commands: generate from comment, show candidates, run selection, cycling. */
import * as vscode from 'vscode';
import {
  CodeAction,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  Command,
  ExecuteCommandParams,
  ExecuteCommandRequest,
} from 'vscode-languageclient/node';
import { candidateActions, CandidateAction, pickLabel } from './candidates';
import { Session } from './client';
import {
  codeActionParams,
  commentCandidatesParams,
  FUNCTION_ACTIONS,
  FunctionAction,
  GENERATE_TITLE,
  runSelectionParams,
} from './requests';
import { lastCompletionParams, whyText } from './why';

/** What the commands need from the extension: the running session, if any. */
export interface Host {
  output: vscode.LogOutputChannel;
  /** The session, or undefined after a failed start (the user has been told why). */
  session(): Session | undefined;
  /** Tell the user again why there is no server, and how to fix it. */
  explainMissing(): Promise<void>;
  restart(): Promise<void>;
}

type Handler = (session: Session) => Promise<void>;

const HANDLERS: Record<string, Handler> = {
  'lspCodegen.generateFromComment': generateFromComment,
  'lspCodegen.showCandidates': showCandidates,
  'lspCodegen.runSelection': runSelection,
  'lspCodegen.optimize': (session) => functionAction(session, 'optimize'),
  'lspCodegen.explain': (session) => functionAction(session, 'explain'),
  'lspCodegen.writeTests': (session) => functionAction(session, 'writeTests'),
  'lspCodegen.nextCandidate': (session) => cycleInline(session, 1),
  'lspCodegen.previousCandidate': (session) => cycleInline(session, -1),
  'lspCodegen.whyThisSuggestion': whyThisSuggestion,
};

/** Register every contributed command; without a server they explain why and how to fix it. */
export function registerCommands(host: Host): vscode.Disposable[] {
  const register = vscode.commands.registerCommand;
  const needingServer = Object.entries(HANDLERS).map(([id, handler]) =>
    register(id, async () => {
      const session = host.session();
      await (session === undefined ? host.explainMissing() : handler(session));
    }),
  );
  return [
    ...needingServer,
    register('lspCodegen.showOutput', () => host.output.show(true)),
    register('lspCodegen.restart', () => host.restart()),
  ];
}

async function generateFromComment(session: Session): Promise<void> {
  const actions = await codeActions(session);
  // Its title may go on ("— no candidate passes your 1 example").
  const generate = actions?.find((action) => action.title.startsWith(GENERATE_TITLE));
  if (generate === undefined) {
    void vscode.window.showInformationMessage('lsp-codegen: put the cursor on a comment that describes the code.');
    return;
  }
  await applyAction(session, generate);
}

/** Optimize / Explain / Write tests on the function at the cursor: resolved, then applied. */
async function functionAction(session: Session, which: FunctionAction): Promise<void> {
  const actions = await codeActions(session);
  const action = actions?.find((candidate) => FUNCTION_ACTIONS[which].test(candidate.title));
  if (action === undefined) {
    void vscode.window.showInformationMessage('lsp-codegen: put the cursor in a top-level Python function.');
    return;
  }
  if (action.disabled !== undefined) {
    void vscode.window.showInformationMessage(`lsp-codegen: ${action.disabled.reason}`);
    return;
  }
  await applyAction(session, action);
}

/**
 * Every candidate for the comment prompt at the cursor, in a quick pick that opens at
 * once and fills in when the server has written and checked them (its progress shows
 * meanwhile); picking one applies it. The command returns once the quick pick shows: run
 * from the Ctrl+. menu, VS Code asks for code actions again when it returns, and that
 * request replaces a Ctrl+. pressed up to 500 ms before ("No code actions available").
 */
async function showCandidates(session: Session): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return;
  }
  const pick = vscode.window.createQuickPick<PickItem>();
  pick.title = 'lsp-codegen candidates, best first';
  pick.placeholder = 'writing and checking the candidates…';
  pick.busy = true;
  pick.show();
  const uri = session.client.code2ProtocolConverter.asUri(editor.document.uri);
  void fillAndPick(session, pick, commentCandidatesParams(uri, editor.selection.active.line));
}

/** Fill `pick` with the candidates once written; apply the one picked. Never rejects. */
async function fillAndPick(session: Session, pick: vscode.QuickPick<PickItem>, params: ExecuteCommandParams): Promise<void> {
  const cancel = new vscode.CancellationTokenSource();
  pick.onDidHide(() => cancel.cancel());
  try {
    const listed: unknown = await session.status.around(() =>
      session.client.sendRequest(ExecuteCommandRequest.type, params, cancel.token),
    );
    const candidates = candidateActions(Array.isArray(listed) ? (listed as CodeAction[]) : []);
    pick.items = await Promise.all(candidates.map((candidate) => pickItem(session, candidate)));
    pick.placeholder = candidates.length ? 'pick one to insert it' : 'the model wrote no usable candidate';
    pick.busy = false;
    const picked = await new Promise<PickItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
    });
    pick.dispose();
    if (picked !== undefined) {
      await applyAction(session, picked.action);
    }
  } catch (error) {
    pick.dispose();
    if (!cancel.token.isCancellationRequested) {
      void vscode.window.showInformationMessage(`lsp-codegen: ${errorMessage(error)}`);
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type PickItem = vscode.QuickPickItem & { action: CodeAction };

/** A quick pick row with the candidate's evidence and the first line of its code. */
async function pickItem(session: Session, candidate: CandidateAction<CodeAction>): Promise<PickItem> {
  const resolved = await resolve(session, candidate.action);
  const text = insertedText(resolved);
  const detail = text.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
  return { ...pickLabel(candidate), detail, action: resolved };
}

async function runSelection(session: Session): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return;
  }
  const converter = session.client.code2ProtocolConverter;
  const params = runSelectionParams(
    converter.asUri(editor.document.uri),
    editor.document.version,
    converter.asRange(editor.selection),
  );
  const result: unknown = await session.status.around(() => session.client.sendRequest(ExecuteCommandRequest.type, params));
  session.output.appendLine(`run selection: ${JSON.stringify(result)}`);
}

/** The trace of the last request for the active document (or the one a shown trace explains). */
async function whyThisSuggestion(session: Session): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const source =
    editor === undefined
      ? undefined
      : (session.why.sourceOf(editor.document.uri) ?? session.client.code2ProtocolConverter.asUri(editor.document.uri));
  if (source === undefined) {
    void vscode.window.showInformationMessage('lsp-codegen: open the document whose suggestion you want explained.');
    return;
  }
  const result: unknown = await session.client.sendRequest(ExecuteCommandRequest.type, lastCompletionParams(source));
  await session.why.show(source, whyText(result, source.slice(source.lastIndexOf('/') + 1)));
}

async function cycleInline(session: Session, step: number): Promise<void> {
  session.ring.move(step);
  session.status.candidate(session.ring.label());
  const command = step > 0 ? 'editor.action.inlineSuggest.showNext' : 'editor.action.inlineSuggest.showPrevious';
  await vscode.commands.executeCommand(command);
}

/** Code actions at the cursor, asked as VS Code asks on a cursor move (no candidates are written). */
async function codeActions(session: Session): Promise<CodeAction[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return undefined;
  }
  const converter = session.client.code2ProtocolConverter;
  const result = await withProgress('lsp-codegen: generating…', (token) =>
    session.client.sendRequest(
      CodeActionRequest.type,
      codeActionParams(converter.asUri(editor.document.uri), converter.asRange(editor.selection), CodeActionTriggerKind.Automatic),
      token,
    ),
  );
  return (result ?? []).filter((item): item is CodeAction => !Command.is(item));
}

async function resolve(session: Session, action: CodeAction): Promise<CodeAction> {
  if (action.edit !== undefined || action.data === undefined) {
    return action;
  }
  return session.client.sendRequest(CodeActionResolveRequest.type, action);
}

async function applyAction(session: Session, action: CodeAction): Promise<void> {
  const resolved = await withProgress(`lsp-codegen: ${action.title}`, () =>
    session.status.around(() => resolve(session, action)),
  );
  if (resolved.edit !== undefined) {
    const edit = await session.client.protocol2CodeConverter.asWorkspaceEdit(resolved.edit);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      void vscode.window.showWarningMessage('lsp-codegen: the document changed meanwhile; ask again.');
    }
  } else if (resolved.command !== undefined) {
    await vscode.commands.executeCommand(resolved.command.command, ...(resolved.command.arguments ?? []));
  }
}

function insertedText(action: CodeAction): string {
  const change = action.edit?.documentChanges?.[0];
  if (change === undefined || !('edits' in change)) {
    return '';
  }
  return change.edits.map((edit) => ('newText' in edit ? edit.newText : edit.snippet.value)).join('');
}

function withProgress<T>(title: string, work: (token: vscode.CancellationToken) => Thenable<T>): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (_progress, token) => work(token),
  );
}
