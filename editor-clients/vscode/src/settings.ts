/**
 * The extension's settings and the server's: one-to-one, by the server's camelCase
 * wire names (lsp_codegen/config.py). Pure: no `vscode` import, unit-tested in Node.
 */

/** The configuration section in VS Code's settings (`lspCodegen.*`). */
export const SECTION = 'lspCodegen';

/** Every server setting, by its dotted wire name. */
export const SERVER_SETTINGS = [
  'model',
  'engine',
  'device',
  'dtype',
  'quantize',
  'maxNewTokens',
  'temperature',
  'temperatureSpread',
  'topP',
  'numCandidates',
  'contextTokens',
  'maxTimeMs',
  'tokenHealing',
  'inline.enabled',
  'inline.maxTimeMs',
  'inline.answerMs',
  'inline.speculative',
  'inline.numCandidates',
  'python.interpreter',
  'node.executable',
  'remote.url',
  'remote.model',
  'remote.apiKeyEnv',
  'remote.promptTemplate',
  'remote.timeoutMs',
  'remote.maxConcurrent',
  'remote.batchedN',
  'remote.logprobs',
  'context.otherFiles',
  'context.otherFilesShare',
  'context.inContextExamples',
  'context.docstringFromComment',
  'context.fileHeader',
  'stats.enabled',
  'explain.insert',
] as const;

/** Settings the extension itself reads (how to start the server); never sent. */
export const CLIENT_SETTINGS = ['server.path', 'server.args'] as const;

export type ServerSettingKey = (typeof SERVER_SETTINGS)[number];

/** A JSON object as the server reads it: nested sections, camelCase keys. */
export interface WireSettings {
  [key: string]: unknown;
}

/** Reads one setting below the section (`lookup('inline.enabled')`); undefined if unset. */
export type Lookup = (key: string) => unknown;

/**
 * The server's settings object built from the editor's settings.
 *
 * Dotted keys become nested sections (`inline.enabled` → `{inline: {enabled}}`), the
 * shape `initializationOptions` and `workspace/didChangeConfiguration` expect.
 * Undefined values are left out, so the server keeps its default.
 */
export function toServerSettings(lookup: Lookup): WireSettings {
  const wire: WireSettings = {};
  for (const key of SERVER_SETTINGS) {
    const value = lookup(key);
    if (value !== undefined) {
      setDotted(wire, key, value);
    }
  }
  return wire;
}

/** The `workspace/didChangeConfiguration` payload: our section under its name. */
export function changeNotification(lookup: Lookup): { settings: WireSettings } {
  return { settings: { [SECTION]: toServerSettings(lookup) } };
}

/** True when a change to any of `changed` sections concerns the server. */
export function concernsServer(affects: (section: string) => boolean): boolean {
  return SERVER_SETTINGS.some((key) => affects(`${SECTION}.${key}`));
}

function setDotted(target: WireSettings, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) {
    const next = node[part];
    node[part] = typeof next === 'object' && next !== null ? next : {};
    node = node[part] as WireSettings;
  }
  node[last] = value;
}
