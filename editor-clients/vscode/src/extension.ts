/** Entry point: start the server, register commands, forward setting changes. */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { CandidateRing } from './candidates';
import { createClient, findServer, Session, showWithLog, watchModel } from './client';
import { Host, registerCommands } from './commands';
import { changeNotification, concernsServer, SECTION } from './settings';
import { StatusItem } from './status';
import { EmptyAnswerNotes } from './why';
import { WHY_SCHEME, WhyDocuments } from './whyView';

/** The extension's state: the output, the status item, and the session once started. */
class Extension implements Host {
  readonly output = vscode.window.createOutputChannel('lsp-codegen', { log: true });
  readonly status = new StatusItem('lspCodegen.showOutput', 'lspCodegen.whyThisSuggestion');
  readonly ring = new CandidateRing();
  readonly why = new WhyDocuments();
  readonly notes = new EmptyAnswerNotes(
    async (params) => this.current?.client.sendRequest(ExecuteCommandRequest.type, params) ?? null,
    () => this.showNote(),
  );
  private current: Session | undefined;
  private problem = 'lsp-codegen: the server has not started yet.';

  session(): Session | undefined {
    return this.current;
  }

  async explainMissing(): Promise<void> {
    await showWithLog(this.problem);
  }

  /** Start the server, or explain why it cannot start and how to fix it. */
  async start(): Promise<void> {
    const command = findServer();
    if (!command.found) {
      this.problem = command.message;
      this.output.appendLine(command.message);
      this.status.set({ kind: 'error', message: 'server not found' });
      void this.explainMissing();
      return;
    }
    this.output.appendLine(`starting: ${command.command} ${command.args.join(' ')}`);
    const session: Session = {
      client: createClient(command, this.output, this.status, this.ring, this.notes),
      output: this.output,
      status: this.status,
      ring: this.ring,
      notes: this.notes,
      why: this.why,
    };
    await this.startClient(session);
  }

  /** Restart the running server, or try again to find and start one. */
  async restart(): Promise<void> {
    this.status.set({ kind: 'starting' });
    if (this.current === undefined) {
      await this.start();
      return;
    }
    await this.current.client.restart();
    void watchModel(this.current);
  }

  async stop(): Promise<void> {
    await this.current?.client.stop();
  }

  onSettingsChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration(`${SECTION}.server`)) {
      void showRestartHint();
    }
    if (this.current !== undefined && concernsServer((section) => event.affectsConfiguration(section))) {
      const config = vscode.workspace.getConfiguration(SECTION);
      void sendSettings(this.current.client, changeNotification((key) => config.get(key)));
      void watchModel(this.current);
    }
  }

  /** The status item's "why" note follows the active document. */
  showNote(): void {
    this.status.note(this.notes.note(vscode.window.activeTextEditor?.document.uri.toString()));
  }

  private async startClient(session: Session): Promise<void> {
    try {
      await session.client.start();
      this.current = session;
      void watchModel(session);
    } catch (error) {
      this.problem = `lsp-codegen: the server did not start: ${String(error)}`;
      this.status.set({ kind: 'error', message: 'the server did not start' });
      void this.explainMissing();
    }
  }

  dispose(): void {
    this.output.dispose();
    this.status.dispose();
    this.why.dispose();
  }
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const started = new Extension();
  extension = started;
  context.subscriptions.push(
    started,
    ...registerCommands(started),
    vscode.workspace.onDidChangeConfiguration((event) => started.onSettingsChanged(event)),
    vscode.workspace.registerTextDocumentContentProvider(WHY_SCHEME, started.why),
    vscode.window.onDidChangeActiveTextEditor(() => started.showNote()),
    vscode.workspace.onDidCloseTextDocument((document) => started.notes.forget(document.uri.toString())),
  );
  await started.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
}

async function sendSettings(client: LanguageClient, params: { settings: unknown }): Promise<void> {
  await client.sendNotification(DidChangeConfigurationNotification.type, params);
}

async function showRestartHint(): Promise<void> {
  const choice = await vscode.window.showInformationMessage('lsp-codegen: the server command changed.', 'Restart server');
  if (choice === 'Restart server') {
    await vscode.commands.executeCommand('lspCodegen.restart');
  }
}
