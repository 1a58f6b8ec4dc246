/**
 * The real server, driven over stdio by VS Code's JSON-RPC stack: initialize, settings,
 * inline completion + accept, "Why this suggestion?" and the empty-answer tooltip, code
 * action + resolve, candidates, $/cancelRequest.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancellationTokenSource,
  CodeAction,
  CodeActionRequest,
  DidChangeConfigurationNotification,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  InlineCompletionList,
  InlineCompletionRequest,
  InlineCompletionTriggerKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';
import { candidateActions, offersShowAll } from '../../src/candidates';
import {
  codeActionParams,
  commentCandidatesParams,
  FUNCTION_ACTIONS,
  GENERATE_TITLE,
  runSelectionParams,
} from '../../src/requests';
import { changeNotification, toServerSettings } from '../../src/settings';
import { statusView } from '../../src/statusView';
import { asTrace, EmptyAnswerNotes, itemCount, lastCompletionParams, whyText } from '../../src/why';
import { engineStatus, modelDir, PYTHON, Server, startServer, stopServer, waitReady, waitUntil } from './serverProcess';

const PROMPT = 'import math\n\n# Return the n-th Fibonacci number.\ndef fib(n):\n\n\nprint(fib(10))\n';
const URI = 'file:///tmp/fib.py';
const FRESH = 'file:///tmp/fib_menu.py'; // a document whose candidates nothing has written yet

/** Each contributed setting's default, read from package.json as VS Code would. */
function contributedDefaults(): Record<string, unknown> {
  const file = path.join(__dirname, '..', '..', '..', 'package.json');
  const properties = JSON.parse(fs.readFileSync(file, 'utf8')).contributes.configuration.properties;
  return toServerSettings((key) => properties[`lspCodegen.${key}`]?.default);
}

function serverDefaults(): unknown {
  const code = 'import json; from lsp_codegen.config import Settings, to_wire; print(json.dumps(to_wire(Settings())))';
  return JSON.parse(execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }));
}

function open(server: Server, uri: string, text: string): Promise<void> {
  return server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
}

function inline(server: Server, uri: string, line: number, character: number): Promise<InlineCompletionList> {
  return server.connection.sendRequest(InlineCompletionRequest.type, {
    textDocument: { uri },
    position: { line, character },
    context: { triggerKind: InlineCompletionTriggerKind.Invoked },
  }) as Promise<InlineCompletionList>;
}

function codeActions(server: Server, line: number, triggerKind: CodeActionTriggerKind, uri = URI): Promise<CodeAction[]> {
  const at = { line, character: 0 };
  return server.connection
    .sendRequest(CodeActionRequest.type, codeActionParams(uri, { start: at, end: at }, triggerKind))
    .then((actions) => (actions ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string')));
}

test('package.json setting defaults equal the server defaults', () => {
  assert.deepEqual(contributedDefaults(), serverDefaults());
});

describe('a session with the scripted tiny model', () => {
  let server: Server;
  let sent: Record<string, unknown>;

  before(async () => {
    // No speculation after an answer: these tests count the generations they cause.
    const defaults = contributedDefaults();
    sent = {
      ...defaults,
      model: modelDir('LSP_CODEGEN_TEST_MODEL'),
      maxNewTokens: 24,
      numCandidates: 3,
      inline: { ...(defaults['inline'] as Record<string, unknown>), speculative: false },
    };
    server = await startServer(sent);
    await waitReady(server);
    await open(server, URI, PROMPT);
  });

  after(async () => {
    assert.equal(await stopServer(server), 0, server.stderr.join(''));
  });

  test('initialize advertises inline completion, resolvable code actions and the commands', () => {
    const capabilities = server.initialized.capabilities;
    assert.ok(capabilities.inlineCompletionProvider, 'no inlineCompletionProvider: VS Code would never ask');
    assert.deepEqual(capabilities.codeActionProvider && typeof capabilities.codeActionProvider === 'object'
      ? capabilities.codeActionProvider.resolveProvider : undefined, true);
    const commands = capabilities.executeCommandProvider?.commands ?? [];
    for (const command of ['lsp-codegen.accepted', 'lsp-codegen.runSelection', 'lsp-codegen.engineStatus']) {
      assert.ok(commands.includes(command), `${command} not in ${commands.join(', ')}`);
    }
  });

  test('the settings the extension sends arrive one to one, without complaints', async () => {
    const status = await engineStatus(server);
    assert.deepEqual(status['settings'], sent);
    assert.deepEqual(server.messages, []);
  });

  test('a settings change is sent the way the extension sends it and applied', async () => {
    const changed: Record<string, unknown> = { ...sent, numCandidates: 2, 'inline.enabled': true };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, changeNotification((key) => changed[key]));
    await waitUntil(async () => {
      const settings = (await engineStatus(server))['settings'] as Record<string, unknown>;
      return settings['numCandidates'] === 2;
    }, 5000);
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { lspCodegen: { numCandidates: 3 } } });
    assert.deepEqual(server.messages, []);
  });

  test('"Run selection" with the arguments the extension builds runs the examples', async () => {
    const uri = 'file:///tmp/run.py';
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 3, text: '# one() == 1\ndef one():\n    return 1\n' },
    });
    const inside = { line: 2, character: 4 };
    const result = (await server.connection.sendRequest(
      ExecuteCommandRequest.type,
      runSelectionParams(uri, 3, { start: inside, end: inside }),
    )) as Record<string, unknown>;
    assert.equal(result['verdict'], 'passed', JSON.stringify(result));
    assert.deepEqual([result['passed'], result['total']], [1, 1]);
  });

  test('in a function the server offers the actions the Optimize / Explain / Write tests commands look for', async () => {
    const uri = 'file:///tmp/function.py';
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: '# one() == 1\ndef one():\n    return 1\n' },
    });
    const inside = { line: 2, character: 4 };
    const actions = (await server.connection.sendRequest(
      CodeActionRequest.type,
      codeActionParams(uri, { start: inside, end: inside }, CodeActionTriggerKind.Automatic),
    )) ?? [];
    const titles = actions.map((action) => action.title);
    for (const [name, pattern] of Object.entries(FUNCTION_ACTIONS)) {
      assert.ok(titles.some((title) => pattern.test(title)), `${name}: ${pattern} not in ${titles.join(' | ')}`);
    }
  });

  test('inline completion gives ghost text at the cursor; accepting sends its command', async () => {
    const before = Number((await engineStatus(server))['generations']);
    const result = (await server.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri: URI },
      position: { line: 4, character: 0 },
      context: { triggerKind: InlineCompletionTriggerKind.Invoked },
    })) as InlineCompletionList;
    assert.ok(result.items.length >= 1);
    const item = result.items[0]!;
    assert.deepEqual(item.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } });
    assert.match(String(item.insertText), /^( {4}return 1\n?)+$/);
    assert.equal(item.command?.command, 'lsp-codegen.accepted');
    await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: item.command.command,
      arguments: item.command.arguments ?? [],
    });
    assert.equal(Number((await engineStatus(server))['generations']), before + 1);
  });

  test('"Why this suggestion?" shows the trace the server rendered of the last request', async () => {
    const shown = await inline(server, URI, 4, 0);
    const result = await server.connection.sendRequest(ExecuteCommandRequest.type, lastCompletionParams(URI));
    const trace = asTrace(result);
    assert.ok(trace, `no trace: ${JSON.stringify(result)}`);
    assert.equal(trace.status, 'shown');
    assert.match(trace.summary, new RegExp(`^shown: ${shown.items.length} suggestions? of \\d+ candidates?$`));
    const text = whyText(result, 'fib.py');
    assert.ok(text.startsWith(`${trace.summary}\n`), text);
    assert.match(text, /^request \d+: inline \(invoked\) at 4:0 · document v1/m);
    assert.match(text, /\nstages:\n {2}[^\n]+: [\d.]+ ms/);
    assert.match(text, /#0 shown, rank 1/);
    const unasked = await server.connection.sendRequest(ExecuteCommandRequest.type, lastCompletionParams('file:///tmp/unasked.py'));
    assert.match(whyText(unasked, 'unasked.py'), /^Nothing was asked for unasked\.py yet/);
  });

  test('after an empty inline answer the tooltip says why, from one request; after a shown one none is sent', async () => {
    const uri = 'file:///tmp/empty.py';
    await open(server, uri, 'def f():\n    x = \n'); // `return 1` cannot follow `x = `
    const asked: unknown[] = [];
    const notes = new EmptyAnswerNotes(async (params) => {
      asked.push(params);
      return server.connection.sendRequest(ExecuteCommandRequest.type, params);
    });
    const empty = await inline(server, uri, 1, 8);
    assert.equal(itemCount(empty), 0);
    await notes.answered(uri, itemCount(empty), false);
    assert.deepEqual(asked, [lastCompletionParams(uri, 'inline')]);
    const note = notes.note(uri);
    assert.match(String(note), /^nothing shown: \d+ candidates?, .*rejected by syntax$/);
    const tooltip = statusView({ kind: 'idle', model: 'tiny', candidate: '' }, note).tooltip;
    assert.ok(tooltip.includes(`Last suggestion here: ${note}`), tooltip);
    const shown = await inline(server, URI, 4, 0);
    await notes.answered(URI, itemCount(shown), false);
    assert.equal(asked.length, 1, 'a shown answer sends no lastCompletion');
    assert.equal(notes.note(URI), undefined);
  });

  test('"Generate code from comment" resolves into a versioned edit that writes the body', async () => {
    const actions = await codeActions(server, 2, CodeActionTriggerKind.Automatic);
    const generate = actions.find((a) => a.title === GENERATE_TITLE);
    assert.ok(generate, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(generate.edit, undefined, 'the edit must come from codeAction/resolve');
    const resolved = await server.connection.sendRequest(CodeActionResolveRequest.type, generate);
    const change = resolved.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri: URI, version: 1 });
    const document = TextDocument.create(URI, 'python', 1, PROMPT);
    const text = TextDocument.applyEdits(document, change.edits.filter((e) => 'newText' in e));
    assert.match(text, /# Return the n-th Fibonacci number\.\ndef fib\(n\):\n( {4}return 1\n)+/);
    assert.ok(text.endsWith('print(fib(10))\n'));
  });

  test('Ctrl+. answers at once; "Show candidates" waits for them; Ctrl+. again lists them, best first', async () => {
    await open(server, FRESH, PROMPT);
    const first = await codeActions(server, 2, CodeActionTriggerKind.Invoked, FRESH);
    assert.deepEqual(candidateActions(first), [], 'the menu does not wait for the candidates');
    assert.ok(offersShowAll(first.map((a) => a.title), GENERATE_TITLE));
    const listed = (await server.connection.sendRequest(
      ExecuteCommandRequest.type,
      commentCandidatesParams(FRESH, 2),
    )) as CodeAction[];
    const actions = await codeActions(server, 2, CodeActionTriggerKind.Invoked, FRESH);
    const candidates = candidateActions(actions);
    assert.deepEqual(candidates.map((c) => c.action.title), candidateActions(listed).map((c) => c.action.title));
    assert.ok(candidates.length >= 1, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.deepEqual(candidates.map((c) => c.rank), candidates.map((_, i) => i + 1));
    assert.match(candidates[0]!.evidence, /logp/);
    const resolved = await server.connection.sendRequest(CodeActionResolveRequest.type, candidates[0]!.action);
    assert.ok(resolved.edit?.documentChanges?.length === 1);
  });
});

describe('a session with a model that never stops', () => {
  let server: Server;

  before(async () => {
    const settings = { model: modelDir('LSP_CODEGEN_TEST_ENDLESS_MODEL'), maxNewTokens: 3000, numCandidates: 1, maxTimeMs: 120000 };
    server = await startServer(settings);
    await waitReady(server);
    await open(server, URI, 'x = 1\n');
  });

  after(async () => {
    assert.equal(await stopServer(server), 0, server.stderr.join(''));
  });

  test('$/cancelRequest stops the generation and answers RequestCancelled', async () => {
    const source = new CancellationTokenSource();
    const request = server.connection.sendRequest(
      InlineCompletionRequest.type,
      { textDocument: { uri: URI }, position: { line: 0, character: 5 }, context: { triggerKind: InlineCompletionTriggerKind.Invoked } },
      source.token,
    );
    await waitUntil(async () => {
      const status = await engineStatus(server);
      return status['active'] === 1 && Number(status['decodeSteps']) > 5;
    });
    const cancelledAt = Date.now();
    source.cancel(); // vscode-jsonrpc sends $/cancelRequest with the request's id
    await assert.rejects(request, (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled);
    await waitUntil(async () => (await engineStatus(server))['active'] === 0, 5000);
    const status = await engineStatus(server);
    assert.ok(Number(status['decodeSteps']) < 2900, 'it ran to maxNewTokens');
    assert.ok(Date.now() - cancelledAt < 5000);
  });
});
