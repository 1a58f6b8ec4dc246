import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { changeNotification, CLIENT_SETTINGS, concernsServer, SECTION, SERVER_SETTINGS, toServerSettings } from '../../src/settings';

interface Contributed {
  contributes: { configuration: { properties: Record<string, { default: unknown }> } };
}

function packageJson(): Contributed {
  const file = path.join(__dirname, '..', '..', '..', 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Contributed;
}

test('dotted settings become nested sections', () => {
  const values: Record<string, unknown> = { model: '/m', 'inline.enabled': false, 'python.interpreter': '/py' };
  assert.deepEqual(toServerSettings((key) => values[key]), {
    model: '/m',
    inline: { enabled: false },
    python: { interpreter: '/py' },
  });
});

test('unset settings are left out so the server keeps its default', () => {
  assert.deepEqual(toServerSettings(() => undefined), {});
});

test('a change is sent under the lspCodegen section the server reads', () => {
  assert.deepEqual(changeNotification((key) => (key === 'numCandidates' ? 2 : undefined)), {
    settings: { lspCodegen: { numCandidates: 2 } },
  });
});

test('only server settings trigger a notification', () => {
  assert.equal(concernsServer((s) => s === 'lspCodegen.topP'), true);
  assert.equal(concernsServer((s) => s === 'lspCodegen.server.path'), false);
});

test('package.json contributes exactly the server settings plus the client ones', () => {
  const contributed = Object.keys(packageJson().contributes.configuration.properties).sort();
  const expected = [...SERVER_SETTINGS, ...CLIENT_SETTINGS].map((key) => `${SECTION}.${key}`).sort();
  assert.deepEqual(contributed, expected);
});
