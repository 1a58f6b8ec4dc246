// The child side of a sandboxed Node run: this file is executed INSIDE the sandboxed node.
//
// The parent starts `node -e <CONFIG line + this source> <result fd> <tag>` ahead of time
// (inside bubblewrap where available); the protocol is worker.py's:
//
// * the worker writes {"t": "ready", "pid"} on the result fd once Node is up (and, for
//   TypeScript through the workspace's `typescript` package, once that is loaded);
// * the parent sets the run's rlimits on this process (Node cannot set its own), then
//   writes one JSON line on stdin: {code, checks: [{source, label}], run_as};
// * the worker switches to the uid `run_as` when the server runs as root, writes the
//   code (declarations only: the server left out top-level statements with effects) to
//   its temp dir as an ES module when it imports or exports, else as CommonJS, loads it,
//   and runs each check through a hook appended to the module, so a check sees the
//   module's own bindings; one JSON line per event on the result fd:
//   {"t": "code"}, {"t": "begin", "i"}, {"t": "check", "i", ...}, {"t": "done"};
// * after "done" it waits until the parent kills its process group (or closes stdin).
//
// A check is JavaScript run in an async function in the module's scope (so it may use
// `await`); `assert` in it is node:assert. A failed assertion is a failure, with the
// actual value; anything else thrown is an error.
// The code runs in this same process and could forge the channel: the sandbox protects
// the machine from the code, not the code's self-report.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vm = require('node:vm');
const assert = require('node:assert');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');

const RESULT_FD = Number(process.argv[1]);
const HOOK = '__lspCodegenCheck';
const MESSAGE_LIMIT = 2000;
const REPR_LIMIT = 300;
const MODULE_SYNTAX = /^\s*(?:import\s*[\w*{'"]|export\s)/m;

function emit(event) {
  let data = Buffer.from(JSON.stringify(event) + '\n');
  while (data.length) {
    const written = fs.writeSync(RESULT_FD, data);
    data = data.subarray(written);
  }
}

function clip(text, limit = MESSAGE_LIMIT) {
  return text.length <= limit ? text : text.slice(0, limit - 1) + '…';
}

function show(value) {
  try {
    return clip(util.inspect(value, { depth: 4, breakLength: Infinity }), REPR_LIMIT);
  } catch (error) {
    return '<unprintable>';
  }
}

function describe(error) {
  try {
    if (error instanceof Error || (error && typeof error.message === 'string')) {
      const name = error.name || 'Error';
      return clip(error.message ? `${name}: ${error.message}` : name);
    }
    return clip(`thrown: ${show(error)}`);
  } catch (_) {
    return 'an unprintable exception';
  }
}

function describeFailure(label, error) {
  const got = show(error.actual);
  let detail = `got ${got}`;
  if (error.operator !== '==' && error.operator !== 'fail' && error.expected !== true) {
    const expected = show(error.expected);
    // Repeat the expected side only when the label does not already show it.
    if (!label.includes(expected)) detail += `, expected ${expected}`;
  }
  return clip(`${label}: ${detail}`);
}

function readLine(fd) {
  const chunks = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    let count;
    try {
      count = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN' || error.code === 'EINTR') continue;
      if (error.code === 'EOF') break;
      throw error;
    }
    if (!count) break;
    chunks.push(Buffer.from(buffer.subarray(0, count)));
    if (buffer[count - 1] === 10) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

// TypeScript: CONFIG.typescript is null (JavaScript), "strip" (Node's own type
// stripping, 22.6+), or the folder of the workspace's `typescript` package.
let compiler = null;
function transpile(source) {
  const options = {
    module: compiler.ModuleKind.ESNext,
    target: compiler.ScriptTarget.ES2022,
    esModuleInterop: true,
  };
  return compiler.transpileModule(source, { compilerOptions: options }).outputText;
}

function preload() {
  if (CONFIG.typescript && CONFIG.typescript !== 'strip') {
    compiler = require(CONFIG.typescript);
    // Its first calls compile the compiler's own code: make them now, on the shapes
    // candidates have, not while a run waits.
    for (let i = 0; i < 3; i++) {
      transpile(
        "import { a } from 'b';\ninterface P { x: number }\nenum E { A }\n" +
          'export function f(xs: number[], p?: P): number {\n' +
          '  const ys = xs.map((x) => x * 2);\n  for (let i = 0; i < ys.length; i++) {}\n' +
          '  return ys.reduce((s, y) => s + y, 0) ?? `${p}`;\n}\n' +
          'const g = async (s: string): Promise<string> => s;\nclass C<T> { v?: T }\n',
      );
    }
  }
}

function isModule(source) {
  if (CONFIG.typescript === 'strip') return MODULE_SYNTAX.test(source);
  try {
    new vm.Script(source, { filename: 'candidate.cjs' }); // compiled only, never run
    return false;
  } catch (error) {
    // A script cannot hold import/export or a top-level await: that is an ES module.
    return /\bimport\b|\bexport\b|\bawait\b/.test(String(error && error.message));
  }
}

async function load(code) {
  const source = compiler ? transpile(code) : code;
  const esm = isModule(source);
  const typed = CONFIG.typescript === 'strip';
  const extension = esm ? (typed ? '.mts' : '.mjs') : typed ? '.cts' : '.cjs';
  const file = path.join(process.cwd(), 'candidate' + extension);
  // Direct eval inside the module: a check sees the module's own bindings. It runs in
  // an async function, so that a check may await an async function's result.
  const hook =
    `\n;globalThis.${HOOK} = (__lspCodegenSource, assert) => ` +
    "eval('(async () => {\\n' + __lspCodegenSource + '\\n})()');\n";
  fs.writeFileSync(file, source + hook);
  if (esm) await import(pathToFileURL(file).href);
  else require(file);
}

async function runCode(code) {
  try {
    await load(code);
  } catch (error) {
    printError(error);
    const memory = error instanceof RangeError && /allocation|memory/i.test(error.message);
    return { t: 'code', verdict: memory ? 'memory' : 'error', message: describe(error) };
  }
  return { t: 'code', verdict: 'passed', message: '' };
}

async function runCheck(index, check) {
  const label = check.label || check.source;
  const event = { t: 'check', i: index, seconds: 0 };
  const hook = globalThis[HOOK];
  const start = performance.now();
  try {
    if (typeof hook !== 'function') throw new Error('the code removed the check hook');
    await hook(check.source, assert);
    event.verdict = 'passed';
    event.message = '';
  } catch (error) {
    if (error && error.code === 'ERR_ASSERTION') {
      event.verdict = 'failed';
      event.message = describeFailure(label, error);
    } else {
      printError(error);
      event.verdict = 'error';
      event.message = clip(`${label}: ${describe(error)}`);
    }
  } finally {
    event.seconds = (performance.now() - start) / 1000;
  }
  return event;
}

function printError(error) {
  try {
    process.stderr.write(String((error && error.stack) || error) + '\n');
  } catch (_) {
    // a stack is a courtesy, never a failure
  }
}

function dropPrivileges(uid) {
  process.setgroups([]);
  process.setgid(uid);
  process.setuid(uid);
  if (process.getuid() !== uid || process.geteuid() !== uid || process.getgid() !== uid) {
    throw new Error(`could not switch to uid ${uid}`);
  }
}

function blockingOutput() {
  // A pipe that is full makes Node queue writes in memory until the event loop turns,
  // which a loop that prints never lets happen: block instead, as a file would.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream._handle && typeof stream._handle.setBlocking === 'function') {
      stream._handle.setBlocking(true);
    }
  }
}

async function main() {
  preload();
  blockingOutput();
  // Errors the code leaves behind in callbacks are its own: printed, never our end.
  process.on('uncaughtException', printError);
  process.on('unhandledRejection', printError);
  emit({ t: 'ready', pid: process.pid });
  const line = readLine(0);
  if (!line.trim()) process.exit(0); // the parent went away before sending a job
  const job = JSON.parse(line);
  try {
    if (job.run_as !== null && job.run_as !== undefined) dropPrivileges(Number(job.run_as));
  } catch (error) {
    emit({ t: 'fatal', message: 'sandbox setup: ' + describe(error) });
    process.exit(70);
  }
  delete process.env.PWD; // bwrap's --chdir adds it; the code gets exactly what we sent
  const codeEvent = await runCode(job.code);
  emit(codeEvent);
  if (codeEvent.verdict === 'passed') {
    for (const [index, check] of job.checks.entries()) {
      emit({ t: 'begin', i: index });
      emit(await runCheck(index, check));
    }
  }
  // Everything written reached the pipes (they block): close them, so that the parent
  // has all of the output now rather than once this process is gone.
  fs.closeSync(1);
  fs.closeSync(2);
  emit({ t: 'done' });
  // The parent kills the whole process group now; wait for that (or for stdin to close).
  readLine(0);
  process.exit(0);
}

main().catch((error) => {
  emit({ t: 'fatal', message: 'sandbox worker: ' + describe(error) });
  process.exit(70);
});
