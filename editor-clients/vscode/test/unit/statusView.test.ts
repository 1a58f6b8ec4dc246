import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusView } from '../../src/statusView';

test('each state has its own text; only errors are painted as errors', () => {
  const views = [
    statusView({ kind: 'starting' }),
    statusView({ kind: 'loading', model: 'default' }),
    statusView({ kind: 'generating', candidate: '' }),
    statusView({ kind: 'idle', model: 'gemma', candidate: '2/4' }),
    statusView({ kind: 'error', message: 'model not found' }),
  ];
  assert.equal(new Set(views.map((v) => v.text)).size, views.length);
  assert.deepEqual(views.map((v) => v.isError), [false, false, false, false, true]);
  assert.equal(views[3]!.text, '$(sparkle) codegen 2/4');
  assert.match(views[4]!.tooltip, /model not found \(click for the log\)/);
});
