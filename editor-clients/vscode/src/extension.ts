/** Entry point: start the server, register commands, forward setting changes. */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient } from 'vscode-languageclient/node';
import { CandidateRing } from './candidates';
import { createClient, findServer, Session, showWithLog, watchModel } from './client';
import { registerCommands } from './commands';
import { changeNotification, concernsServer, SECTION } from './settings';
import { StatusItem } from './status';

let session: Session | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('lsp-codegen', { log: true });
  const status = new StatusItem('lspCodegen.showOutput');
  const ring = new CandidateRing();
  context.subscriptions.push(output, status);
  const started = await start(output, status, ring);
  if (started === undefined) {
    context.subscriptions.push(vscode.commands.registerCommand('lspCodegen.showOutput', () => output.show(true)));
    return;
  }
  session = started;
  context.subscriptions.push(
    ...registerCommands(started, () => restart(started)),
    vscode.workspace.onDidChangeConfiguration((event) => onSettingsChanged(started, event)),
  );
}

export async function deactivate(): Promise<void> {
  await session?.client.stop();
}

/** Start the server, or explain why it cannot start and how to fix it. */
async function start(
  output: vscode.LogOutputChannel,
  status: StatusItem,
  ring: CandidateRing,
): Promise<Session | undefined> {
  const command = findServer();
  if (!command.found) {
    output.appendLine(command.message);
    status.set({ kind: 'error', message: 'server not found' });
    void showWithLog(command.message);
    return undefined;
  }
  output.appendLine(`starting: ${command.command} ${command.args.join(' ')}`);
  const client = createClient(command, output, status, ring);
  const started: Session = { client, output, status, ring };
  await startClient(started);
  return started;
}

async function startClient(started: Session): Promise<void> {
  try {
    await started.client.start();
    void watchModel(started);
  } catch (error) {
    started.status.set({ kind: 'error', message: 'the server did not start' });
    void showWithLog(`lsp-codegen: the server did not start: ${String(error)}`);
  }
}

async function restart(current: Session): Promise<void> {
  current.status.set({ kind: 'starting' });
  await current.client.restart();
  void watchModel(current);
}

function onSettingsChanged(current: Session, event: vscode.ConfigurationChangeEvent): void {
  if (event.affectsConfiguration(`${SECTION}.server`)) {
    void showRestartHint();
  }
  if (concernsServer((section) => event.affectsConfiguration(section))) {
    const config = vscode.workspace.getConfiguration(SECTION);
    void sendSettings(current.client, changeNotification((key) => config.get(key)));
    void watchModel(current);
  }
}

async function sendSettings(client: LanguageClient, params: { settings: unknown }): Promise<void> {
  await client.sendNotification(DidChangeConfigurationNotification.type, params);
}

async function showRestartHint(): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    'lsp-codegen: the server command changed.',
    'Restart server',
  );
  if (choice === 'Restart server') {
    await vscode.commands.executeCommand('lspCodegen.restart');
  }
}
