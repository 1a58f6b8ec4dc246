/**
 * "Why this suggestion?": the server's trace of the last request for a document
 * (`lsp-codegen.lastCompletion`), and the note the status bar shows after an empty inline
 * answer. The server renders the trace as text; nothing here formats it. No `vscode`
 * import: unit- and protocol-tested in Node.
 */
import type { ExecuteCommandParams } from 'vscode-languageserver-protocol';

export const LAST_COMPLETION = 'lsp-codegen.lastCompletion';

export type TraceKind = 'inline' | 'completion' | 'codeAction';

/** The parts of a trace the editor uses; the rest is in `text`. */
export interface Trace {
  summary: string;
  text: string;
  status: string;
}

/** The trace of the last request for `uri` (of one `kind`, else of any). */
export function lastCompletionParams(uri: string, kind?: TraceKind): ExecuteCommandParams {
  return { command: LAST_COMPLETION, arguments: [kind === undefined ? { uri } : { uri, kind }] };
}

/** The command's answer as a trace; undefined for null (nothing asked yet) or a malformed one. */
export function asTrace(result: unknown): Trace | undefined {
  if (typeof result !== 'object' || result === null) {
    return undefined;
  }
  const trace = result as Record<string, unknown>;
  const outcome = trace['outcome'] as Record<string, unknown> | null | undefined;
  const summary = typeof trace['summary'] === 'string' ? trace['summary'] : '';
  return {
    summary,
    text: typeof trace['text'] === 'string' ? trace['text'] : `${summary}\n\n${JSON.stringify(result, null, 2)}\n`,
    status: typeof outcome?.['status'] === 'string' ? outcome['status'] : 'running',
  };
}

/** What "Why this suggestion?" shows for `result`: the trace's text, or why there is none. */
export function whyText(result: unknown, fileName: string): string {
  const trace = asTrace(result);
  if (trace === undefined) {
    return `Nothing was asked for ${fileName} yet: type, or ask for a suggestion, then run this again.\n`;
  }
  return trace.text;
}

/** How many items an inline answer holds (an array, a list, or nothing). */
export function itemCount(result: readonly unknown[] | { items: readonly unknown[] } | null | undefined): number {
  if (result === null || result === undefined) {
    return 0;
  }
  return Array.isArray(result) ? result.length : (result as { items: readonly unknown[] }).items.length;
}

/**
 * Per document, why its last inline answer showed nothing. After an empty answer it asks
 * the server once (`ask`); after a shown or cancelled one it asks nothing: a shown answer
 * clears the note, a cancelled one (the user typed on) leaves it to the next answer.
 */
export class EmptyAnswerNotes {
  private readonly notes = new Map<string, string>();
  private readonly answers = new Map<string, number>();

  constructor(
    private readonly ask: (params: ExecuteCommandParams) => Promise<unknown>,
    private readonly changed: () => void = () => undefined,
  ) {}

  /** An inline answer for `uri` arrived with `items` items. */
  async answered(uri: string, items: number, cancelled: boolean): Promise<void> {
    if (cancelled) {
      return;
    }
    const answer = (this.answers.get(uri) ?? 0) + 1;
    this.answers.set(uri, answer);
    if (items > 0) {
      this.set(uri, undefined);
      return;
    }
    let trace: Trace | undefined;
    try {
      trace = asTrace(await this.ask(lastCompletionParams(uri, 'inline')));
    } catch {
      trace = undefined; // a server without the command, or one that went away: no note
    }
    if (this.answers.get(uri) === answer) {
      this.set(uri, trace !== undefined && trace.status !== 'shown' ? trace.summary : undefined);
    }
  }

  /** The note for `uri`: "nothing shown: 1 candidate, rejected by syntax", or undefined. */
  note(uri: string | undefined): string | undefined {
    return uri === undefined ? undefined : this.notes.get(uri);
  }

  /** The document was closed. */
  forget(uri: string): void {
    this.answers.delete(uri);
    this.set(uri, undefined);
  }

  private set(uri: string, note: string | undefined): void {
    if (this.notes.get(uri) === note) {
      return;
    }
    if (note === undefined) {
      this.notes.delete(uri);
    } else {
      this.notes.set(uri, note);
    }
    this.changed();
  }
}
