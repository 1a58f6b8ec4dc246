/**
 * "Why this suggestion?" opens the trace as a read-only document beside the code: it stays
 * while the user types, can be searched and scrolled, updates in place when asked again,
 * and closes without a question to save (the log channel would bury it among server logs).
 */
import * as vscode from 'vscode';

export const WHY_SCHEME = 'lsp-codegen-why';

export class WhyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** The source document a trace document explains (for asking again from the trace). */
  sourceOf(uri: vscode.Uri): string | undefined {
    return uri.scheme === WHY_SCHEME ? decodeURIComponent(uri.query) : undefined;
  }

  /** Show `text` as the trace of `source` (a document URI), beside the code. */
  async show(source: string, text: string): Promise<void> {
    const name = source.slice(source.lastIndexOf('/') + 1) || source;
    const uri = vscode.Uri.from({ scheme: WHY_SCHEME, path: `/Why ${decodeURIComponent(name)}.txt`, query: encodeURIComponent(source) });
    this.texts.set(uri.toString(), text);
    this.changes.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
  }

  dispose(): void {
    this.changes.dispose();
  }
}
