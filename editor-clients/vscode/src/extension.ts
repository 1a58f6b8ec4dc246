/** Entry point: start the server, register commands, forward setting changes. */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient } from 'vscode-languageclient/node';
import { CandidateRing } from './candidates';
import { createClient, findServer, Session, showWithLog, watchModel } from './client';
import { Host, registerCommands } from './commands';
import { changeNotification, concernsServer, SECTION } from './settings';
import { StatusItem } from './status';

/** The extension's state: the output, the status item, and the session once started. */
class Extension implements Host {
  readonly output = vscode.window.createOutputChannel('lsp-codegen', { log: true });
  readonly status = new StatusItem('lspCodegen.showOutput');
  readonly ring = new CandidateRing();
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
      client: createClient(command, this.output, this.status, this.ring),
      output: this.output,
      status: this.status,
      ring: this.ring,
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
