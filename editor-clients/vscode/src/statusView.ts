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
}

/** The item's text (with a codicon), its tooltip, and whether to paint it as an error. */
export function statusView(state: ServerState): StatusView {
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
      return { text: '$(error) codegen', tooltip: `lsp-codegen: ${state.message} (click for the log)`, isError: true };
  }
}

function view(text: string, tooltip: string): StatusView {
  return { text, tooltip: `${tooltip} (click for the log)`, isError: false };
}
