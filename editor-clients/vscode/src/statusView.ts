/** What the status bar item says in each state. Pure: unit-tested in Node. */

export type ServerState =
  | { kind: 'starting' }
  | { kind: 'loading'; model: string }
  | { kind: 'generating'; candidate: string }
  | { kind: 'idle'; model: string; candidate: string }
  | { kind: 'error'; message: string };

export interface StatusView {
  text: string;
  tooltip: string;
  isError: boolean;
  /** A click opens "Why this suggestion?" rather than the log. */
  clickExplains: boolean;
}

/**
 * The item's text (with a codicon), its tooltip, and whether to paint it as an error.
 * `note`: why the active document's last inline answer showed nothing (the trace's
 * summary); shown in the idle tooltip, and a click then explains it.
 */
export function statusView(state: ServerState, note?: string): StatusView {
  if (state.kind === 'idle' && note !== undefined) {
    const tooltip = `lsp-codegen: ${state.model} ready\nLast suggestion here: ${note}\n(click for why)`;
    return { text: `$(sparkle) codegen ${state.candidate}`.trimEnd(), tooltip, isError: false, clickExplains: true };
  }
  switch (state.kind) {
    case 'starting':
      return view('$(sync~spin) codegen', 'lsp-codegen: starting the server');
    case 'loading':
      return view('$(sync~spin) codegen: loading', `lsp-codegen: loading ${state.model}`);
    case 'generating':
      return view(`$(loading~spin) codegen ${state.candidate}`.trimEnd(), 'lsp-codegen: generating');
    case 'idle':
      return view(`$(sparkle) codegen ${state.candidate}`.trimEnd(), `lsp-codegen: ${state.model} ready`);
    case 'error':
      return {
        text: '$(error) codegen',
        tooltip: `lsp-codegen: ${state.message} (click for the log)`,
        isError: true,
        clickExplains: false,
      };
  }
}

function view(text: string, tooltip: string): StatusView {
  return { text, tooltip: `${tooltip} (click for the log)`, isError: false, clickExplains: false };
}
