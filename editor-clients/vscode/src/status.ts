/**
 * The status bar item: starting, loading, generating, idle, error; a click opens the log,
 * or, after an empty inline answer in the active document, says why.
 */
import * as vscode from 'vscode';
import { ServerState, statusView } from './statusView';

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private pending = 0;
  private settled: ServerState = { kind: 'starting' };
  private why: string | undefined;

  constructor(
    private readonly showOutputCommand: string,
    private readonly whyCommand: string,
  ) {
    this.item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
    this.show(this.settled);
    this.item.show();
  }

  /** The state between requests (loading, idle, error). */
  set(state: ServerState): void {
    this.settled = state;
    if (this.pending === 0) {
      this.show(state);
    }
  }

  /** Show which inline candidate is on screen ("2/4") next to the idle state. */
  candidate(label: string): void {
    if (this.settled.kind === 'idle') {
      this.set({ ...this.settled, candidate: label });
    }
  }

  /** Why the active document's last inline answer was empty (undefined: it was not). */
  note(why: string | undefined): void {
    this.why = why;
    if (this.pending === 0) {
      this.show(this.settled);
    }
  }

  /** Run `work` while showing "generating" (nested requests count). */
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    this.show({ kind: 'generating', candidate: '' });
    try {
      return await work();
    } finally {
      this.pending -= 1;
      if (this.pending === 0) {
        this.show(this.settled);
      }
    }
  }

  dispose(): void {
    this.item.dispose();
  }

  private show(state: ServerState): void {
    const view = statusView(state, this.why);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.clickExplains ? this.whyCommand : this.showOutputCommand;
    this.item.backgroundColor = view.isError
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
  }
}
