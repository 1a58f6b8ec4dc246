import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitedMessage, resolveServerCommand } from '../../src/serverCommand';

const base = { configuredPath: '', args: undefined, workspaceFolders: ['/ws'], pathEnv: '/usr/bin:/opt/bin' };

test("the workspace's .venv comes before PATH", () => {
  const exists = new Set(['/ws/.venv/bin/lsp-codegen', '/opt/bin/lsp-codegen']);
  const found = resolveServerCommand({ ...base, isExecutable: (f) => exists.has(f) });
  assert.deepEqual(found, { found: true, command: '/ws/.venv/bin/lsp-codegen', args: ['serve', '--stdio'] });
});

test('PATH is searched when there is no virtualenv', () => {
  const found = resolveServerCommand({ ...base, isExecutable: (f) => f === '/opt/bin/lsp-codegen' });
  assert.equal(found.found && found.command, '/opt/bin/lsp-codegen');
});

test('a configured path and arguments are used as given', () => {
  const found = resolveServerCommand({
    ...base,
    configuredPath: '/x/lsp-codegen',
    args: ['serve', '--stdio', '--log-level', 'DEBUG'],
    isExecutable: (f) => f === '/x/lsp-codegen',
  });
  assert.deepEqual(found, { found: true, command: '/x/lsp-codegen', args: ['serve', '--stdio', '--log-level', 'DEBUG'] });
});

test('a missing configured path names the setting and the fix', () => {
  const found = resolveServerCommand({ ...base, configuredPath: '/nope', isExecutable: () => false });
  assert.equal(found.found, false);
  assert.match(!found.found ? found.message : '', /"\/nope" \(lspCodegen.server.path\) does not exist.*Fix: install it/);
});

test('nothing found anywhere says where it looked', () => {
  const found = resolveServerCommand({ ...base, isExecutable: () => false });
  assert.match(!found.found ? found.message : '', /neither in the workspace's .venv\/bin nor on PATH/);
});

test('an exit message points to the log and the restart command', () => {
  assert.match(exitedMessage('/x/lsp-codegen', 2), /exited 3 times; not restarting.*output channel.*Restart server/);
});
