import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ExecuteCommandParams } from 'vscode-languageserver-protocol';
import { statusView } from '../../src/statusView';
import { asTrace, EmptyAnswerNotes, itemCount, lastCompletionParams, whyText } from '../../src/why';

const ROOT = path.join(__dirname, '..', '..', '..');
const EMPTY = { summary: 'nothing shown: 1 candidate, rejected by syntax', text: 'nothing shown: …\n\nstages:\n', outcome: { status: 'empty' } };
const SHOWN = { summary: 'shown: 1 suggestion of 1 candidate', text: 'shown: …\n', outcome: { status: 'shown' } };

/** A fake server: answers lastCompletion with `answers` in turn, and counts what it was asked. */
function fakeAsk(...answers: unknown[]): { ask: (params: ExecuteCommandParams) => Promise<unknown>; asked: ExecuteCommandParams[] } {
  const asked: ExecuteCommandParams[] = [];
  return {
    asked,
    ask: async (params) => {
      asked.push(params);
      return answers.shift() ?? null;
    },
  };
}

test('every command the extension registers is contributed to the palette, "Why this suggestion?" among them', () => {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'commands.ts'), 'utf8');
  const registered = new Set([...source.matchAll(/'(lspCodegen\.\w+)'/g)].map((match) => match[1]));
  const contributed = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.commands as {
    command: string;
    title: string;
  }[];
  assert.deepEqual(new Set(contributed.map((c) => c.command)), registered);
  const why = contributed.find((c) => c.command === 'lspCodegen.whyThisSuggestion');
  assert.equal(why?.title, 'Why this suggestion?');
});

test('the command asks for the last request of a document, of one kind when given', () => {
  assert.deepEqual(lastCompletionParams('file:///a.py'), { command: 'lsp-codegen.lastCompletion', arguments: [{ uri: 'file:///a.py' }] });
  assert.deepEqual(lastCompletionParams('file:///a.py', 'inline').arguments, [{ uri: 'file:///a.py', kind: 'inline' }]);
});

test('the server renders the text shown; null says nothing was asked yet', () => {
  assert.equal(whyText(EMPTY, 'a.py'), EMPTY.text);
  assert.match(whyText(null, 'a.py'), /^Nothing was asked for a\.py yet/);
  assert.deepEqual(asTrace(EMPTY), { summary: EMPTY.summary, text: EMPTY.text, status: 'empty' });
  assert.equal(asTrace({ summary: 'still running', outcome: null })?.status, 'running');
  assert.match(asTrace({ summary: 'old server' })!.text, /^old server\n\n\{/); // no `text`: the JSON
});

test('an inline answer counts its items whatever its shape', () => {
  assert.deepEqual([itemCount(null), itemCount(undefined), itemCount([1, 2]), itemCount({ items: [1] })], [0, 0, 2, 1]);
});

test('one request after an empty answer, none after a shown or cancelled one', async () => {
  const server = fakeAsk(EMPTY);
  let changes = 0;
  const notes = new EmptyAnswerNotes(server.ask, () => (changes += 1));
  await notes.answered('file:///a.py', 2, false);
  await notes.answered('file:///a.py', 0, true);
  assert.equal(server.asked.length, 0);
  await notes.answered('file:///a.py', 0, false);
  assert.deepEqual(server.asked, [lastCompletionParams('file:///a.py', 'inline')]);
  assert.equal(notes.note('file:///a.py'), EMPTY.summary);
  assert.equal(notes.note('file:///b.py'), undefined);
  await notes.answered('file:///a.py', 1, false);
  assert.equal(notes.note('file:///a.py'), undefined);
  assert.equal(server.asked.length, 1);
  assert.equal(changes, 2); // set, then cleared
});

test('a late answer to an older empty one does not overwrite a newer shown answer', async () => {
  let release: (value: unknown) => void = () => undefined;
  const notes = new EmptyAnswerNotes(() => new Promise((resolve) => (release = resolve)));
  const older = notes.answered('file:///a.py', 0, false);
  await notes.answered('file:///a.py', 1, false);
  release(EMPTY);
  await older;
  assert.equal(notes.note('file:///a.py'), undefined);
});

test('no note when the server lacks the command, the trace says shown, or the document closed', async () => {
  const failing = new EmptyAnswerNotes(() => Promise.reject(new Error('unknown command')));
  await failing.answered('file:///a.py', 0, false);
  assert.equal(failing.note('file:///a.py'), undefined);
  const notes = new EmptyAnswerNotes(fakeAsk(SHOWN, EMPTY).ask);
  await notes.answered('file:///a.py', 0, false);
  assert.equal(notes.note('file:///a.py'), undefined);
  await notes.answered('file:///a.py', 0, false);
  notes.forget('file:///a.py');
  assert.equal(notes.note('file:///a.py'), undefined);
});

test('the idle tooltip says why the last answer was empty, and a click then explains it', () => {
  const idle = { kind: 'idle', model: 'gemma', candidate: '' } as const;
  const noted = statusView(idle, EMPTY.summary);
  assert.equal(noted.tooltip, `lsp-codegen: gemma ready\nLast suggestion here: ${EMPTY.summary}\n(click for why)`);
  assert.equal(noted.text, statusView(idle).text);
  assert.deepEqual([noted.clickExplains, statusView(idle).clickExplains], [true, false]);
  assert.equal(statusView({ kind: 'generating', candidate: '' }, EMPTY.summary).tooltip, 'lsp-codegen: generating (click for the log)');
});
