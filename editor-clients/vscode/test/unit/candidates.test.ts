import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CandidateRing, candidateActions, cycle, offersShowAll, pickLabel } from '../../src/candidates';

test('cycle wraps around in both directions', () => {
  assert.equal(cycle(0, 1, 3), 1);
  assert.equal(cycle(2, 1, 3), 0);
  assert.equal(cycle(0, -1, 3), 2);
  assert.equal(cycle(1, -4, 3), 0);
  assert.equal(cycle(5, 1, 0), 0);
});

test('the ring resets on a new list and labels the shown candidate', () => {
  const ring = new CandidateRing();
  ring.reset(3);
  assert.equal(ring.label(), '1/3');
  ring.move(-1);
  assert.equal(ring.label(), '3/3');
  ring.move(1);
  ring.move(1);
  assert.equal(ring.label(), '2/3');
  ring.reset(1);
  assert.equal(ring.label(), '');
});

test('candidate actions are picked out and ordered by rank', () => {
  const actions = [
    { title: 'Generate code from comment' },
    { title: 'Candidate 2/2: ✗ 0/1 examples · logp −1.20' },
    { title: 'Run selection' },
    { title: 'Candidate 1/2: ✓ 1/1 examples · logp −0.31 · 0.02 ms' },
  ];
  const found = candidateActions(actions);
  assert.deepEqual(
    found.map((c) => [c.rank, c.total, c.evidence]),
    [
      [1, 2, '✓ 1/1 examples · logp −0.31 · 0.02 ms'],
      [2, 2, '✗ 0/1 examples · logp −1.20'],
    ],
  );
  assert.deepEqual(pickLabel(found[0]!), { label: '1/2', description: '✓ 1/1 examples · logp −0.31 · 0.02 ms' });
});

test('"Show all candidates…" is offered while the comment\'s candidates are being written', () => {
  const generate = 'Generate code from comment';
  assert.equal(offersShowAll([generate, 'Run selection'], generate), true);
  assert.equal(offersShowAll([generate, 'Candidate 1/2: ✓ 1/1 examples'], generate), false);
  assert.equal(offersShowAll(['Run selection', 'Optimize'], generate), false);
});
