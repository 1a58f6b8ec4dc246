// Drives a real VS Code workbench (code-server in Debian's Chromium) as a user would, for
// tests/editors/test_vscode_workbench.py. One argument: a JSON object with the workbench's
// url, its workspace folder, the user settings file, the screenshot folder and the scenario
// ("full", "ghost", "typing" or "broken"). Each step leaves a screenshot NN-step.png (NN-step-FAILED.png
// when it fails), pictures for the docs go to SHOTS/docs/, and the last line printed is
// `RESULT {...}` with what was seen and measured. Text is read from saved files, not the DOM.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const config = JSON.parse(process.argv[2]);
const t0 = Date.now();
const log = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const results = {};
// Ghost text: the rest of the cursor's line (decorations), then the lines below (a view zone).
const GHOST = '.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text';
const MENU = '.action-widget';
const TOAST = '.notification-toast';
const NO_ACTIONS = '.monaco-editor-overlaymessage';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 750 } });
let stepCount = 0;
let currentStep = '';

/** Run one step; it leaves a screenshot (the one it took, or one at its end). */
async function step(name, work) {
  stepCount += 1;
  currentStep = `${String(stepCount).padStart(2, '0')}-${name}`;
  log(`step ${currentStep}`);
  try {
    const value = await work();
    if (!fs.existsSync(path.join(config.shots, `${currentStep}.png`))) {
      await snap();
    }
    return value;
  } catch (error) {
    await page.screenshot({ path: path.join(config.shots, `${currentStep}-FAILED.png`) }).catch(() => {});
    throw new Error(`step ${currentStep} failed: ${error.message}`);
  }
}

const snap = (suffix = '') => page.screenshot({ path: path.join(config.shots, `${currentStep}${suffix}.png`) });

/** A picture for the docs: the union of the elements' boxes, padded, inside the viewport. */
async function docPicture(name, selectors, pad = 12) {
  const boxes = [];
  for (const selector of selectors) {
    const box = await page.locator(selector).first().boundingBox();
    if (box) boxes.push(box);
  }
  if (boxes.length === 0) return;
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const right = Math.min(1200, Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const bottom = Math.min(750, Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  fs.mkdirSync(path.join(config.shots, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(config.shots, 'docs', `${name}.png`), clip: { x, y, width: right - x, height: bottom - y } });
}

/** Poll `probe` every 20 ms until it returns something truthy; fail after `ms`. */
async function until(what, probe, ms) {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`no ${what} within ${ms / 1000} s`);
    await page.waitForTimeout(20);
  }
}

const visible = (selector) => page.locator(selector).first().isVisible();
const ghostText = () => page.evaluate(() => {
  const line = [...document.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview')];
  const below = [...document.querySelectorAll('.ghost-text')]
    .map((zone) => [...zone.querySelectorAll('.view-line')].map((e) => e.textContent).join('\n') || zone.textContent)
    .join('\n');
  return line.map((e) => e.textContent).join('') + (below ? `\n${below}` : '');
});
/** The rows of VS Code's suggestion list when it is open, the selected one marked "> ". */
const suggestList = () => page.evaluate(() => [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')]
  .map((row) => `${row.classList.contains('focused') ? '> ' : ''}${row.getAttribute('aria-label')}`));
const statusLog = () => page.evaluate(() => window.statusLog);
const readFile = (name) => fs.readFileSync(path.join(config.workspace, name), 'utf8');

/** Record every state of the lsp-codegen status bar item (icon and text), polled every 25 ms. */
async function watchStatus() {
  await page.evaluate(() => {
    window.statusLog = [];
    setInterval(() => {
      // Ours reads "codegen…" after its icon (the server's progress reads "lsp-codegen: …").
      const item = [...document.querySelectorAll('.statusbar-item')].find((e) => /^codegen\b/.test(e.textContent.trim()));
      if (item === undefined) return;
      const icon = [...(item.querySelector('.codicon')?.classList ?? [])]
        .find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin');
      const state = `${icon ?? ''} ${item.textContent.trim()}`;
      if (window.statusLog.at(-1)?.state !== state) window.statusLog.push({ t: Date.now(), state });
    }, 25);
  });
}

async function statusNow() {
  return (await statusLog()).at(-1)?.state ?? '';
}

async function command(title) {
  await page.keyboard.press('Control+Shift+P');
  await page.waitForSelector('.quick-input-widget input', { timeout: 30000 });
  await page.keyboard.type(title);
  await until(`"${title}" in the command palette`, () => visible(`.quick-input-list .monaco-list-row:has-text("${title.split(': ').at(-1)}")`), 10000);
  await page.keyboard.press('Enter');
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { timeout: 30000 });
  await page.keyboard.type(name);
  await until(`${name} in quick open`, () => visible(`.quick-input-list .monaco-list-row:has-text("${name}")`), 10000);
  await page.keyboard.press('Enter');
  await until(`${name} open`, () => visible(`.tab.active:has-text("${name}")`), 30000);
  await page.click('.editor-group-container .monaco-editor .view-lines');
}

async function goTo(line, column) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await until('the quick input to close', async () => !(await visible('.quick-input-widget input')), 5000);
}

async function save(name) {
  await page.keyboard.press('Control+S');
  await page.waitForTimeout(300);
  return readFile(name);
}

async function load() {
  await page.goto(config.url);
  await page.waitForSelector('.monaco-workbench', { timeout: 120000 });
  await watchStatus();
  await page.waitForTimeout(1500);
  await page.mouse.click(700, 400);
}

/** Loading → ready, seen in the status bar item after the first Python file opens. */
async function modelReady() {
  await openFile('typing.py');
  let loadingShot = false;
  await until('the model ready in the status bar', async () => {
    const state = await statusNow();
    if (!loadingShot && state.includes('loading')) {
      loadingShot = true;
      await docPicture('status-loading', ['.statusbar-item:has-text("codegen")'], 6);
    }
    return state.startsWith('codicon-sparkle');
  }, 180000);
  await docPicture('status-ready', ['.statusbar-item:has-text("codegen")'], 6);
  const states = (await statusLog()).map((s) => s.state);
  log(`status bar: ${states.join(' → ')}`);
  if (!states.some((s) => s.includes('loading'))) throw new Error(`no "loading" state: ${states.join(' → ')}`);
  results.statusStates = states;
}

// The empty bodies of typing.py's functions (1-based lines), after their 4-space indent.
const BODIES = [11, 16, 21, 26];

/** Keystroke → ghost text: at each empty body, with no ghost text showing, type `r`. */
async function ghostLatency() {
  const samples = [];
  for (const line of BODIES) {
    await goTo(line, 5);
    await page.keyboard.press('Escape');
    await until('no ghost text', async () => !(await ghostText()), 5000);
    const start = Date.now();
    await page.keyboard.press('r');
    let shown = null;
    try {
      shown = await until('ghost text', ghostText, 15000);
    } catch {
      log(`line ${line}: no ghost text within 15 s; suggestion list: ${JSON.stringify(await suggestList())}`);
    }
    const ms = shown ? Date.now() - start : null;
    samples.push(ms);
    log(`line ${line}: ghost text after ${ms} ms: ${JSON.stringify(shown)}`);
    await page.waitForTimeout(1000); // the answer that follows the first partial one
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
  }
  return samples;
}

// Typed at the end of typing.py word by word, as editor-clients/neovim/test/typing_session.lua
// types; a Tab at the pauses after ACCEPT_AT, then Ctrl+Z.
const TYPED = [
  'def words_reversed(sentence):\n',
  '    words = sentence.split()\n',
  '    return " ".join(reversed(words))\n',
  '\n',
  '\n',
  'def count_vowels_in(text):\n',
  '    total = 0\n',
  '    for char in text.lower():\n',
  '        total += char in "aeiou"\n',
  '    return total\n',
];
const ACCEPT_AT = new Set(['words ', 'total ']);
const KEY_MS = 120;
const PAUSE_MS = 2000;

/** A user typing: keys 120 ms apart, a 2 s pause after each word; what shows at each pause.
 *  At ACCEPT_AT the pause lasts until a suggestion shows; Tab accepts it, Ctrl+Z undoes. */
async function typingSession() {
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Escape');
  let typed = readFile('typing.py'); // as opened; the words go at its end
  const pauses = [];
  const accepted = [];
  // A line's indent goes with its first word: one pause per word, not per space.
  for (const word of TYPED.flatMap((line) => line.match(/ *[^ \n]*[ \n]|[^ \n]+$/g))) {
    await page.keyboard.type(word, { delay: KEY_MS });
    typed += word;
    const start = Date.now();
    // Where it will accept, the user waits for a suggestion as long as it takes (a busy CPU).
    const accept = ACCEPT_AT.has(word.trimStart());
    const wait = accept ? 60000 : PAUSE_MS;
    const shown = await until('ghost text', ghostText, wait).catch(() => null);
    const ms = shown ? Date.now() - start : null;
    pauses.push({ word, ms, shown });
    log(`after ${JSON.stringify(word)}: ${shown ? `ghost text in ${ms} ms: ${JSON.stringify(shown)}` : 'none'}`);
    if (shown && accept) accepted.push(await acceptThenUndo(word.trimStart(), typed));
    if (shown) await page.waitForTimeout(Math.max(0, PAUSE_MS - ms));
    await page.keyboard.press('Escape');
  }
  const shownAt = pauses.filter((pause) => pause.shown).length;
  log(`ghost text at ${shownAt} of ${pauses.length} pauses`);
  return { pauses, accepted, saved: await save('typing.py') };
}

/** Tab, the line it wrote, Ctrl+Z, and whether the file is back to `typed` (not saved
 *  before the Tab: a save could take the suggestion away). */
async function acceptThenUndo(word, typed) {
  await page.keyboard.press('Tab');
  await until('the ghost text accepted', async () => !(await ghostText()), 5000);
  const after = await save('typing.py');
  await page.keyboard.press('Control+Z');
  await page.waitForTimeout(200);
  const undone = await save('typing.py');
  const line = after.split('\n').find((text, i) => text !== typed.split('\n')[i]) ?? '';
  log(`  accepted at ${JSON.stringify(word)}: ${JSON.stringify(line)}; undone: ${undone === typed}`);
  return { word, line, changed: after !== typed, undone: undone === typed };
}

/** The text "lsp-codegen: Why this suggestion?" opens beside the code; then back to `file`. */
async function why(file) {
  await command('lsp-codegen: Why this suggestion?');
  const trace = '.editor-group-container >> nth=1 >> .view-lines';
  let text = '';
  try {
    text = await until('the trace beside the code', async () => (await page.locator(trace).innerText({ timeout: 1000 }).catch(() => '')).trim(), 10000);
  } catch (error) {
    text = String(error.message);
  }
  // It opens beside the code, which keeps the focus: close it from its own group.
  await page.locator(trace).click().catch(() => {});
  await page.keyboard.press('Control+W');
  await openFile(file);
  return text;
}

/** "Trigger Inline Suggestion" (Alt+\\) in the first empty body asks for every candidate;
 * Alt+] and Alt+[ cycle them; Tab accepts; the saved file has it. */
async function acceptAndCycle() {
  await goTo(BODIES[0], 5);
  await command('Trigger Inline Suggestion');
  // Every candidate, one after another on llama.cpp: seconds, a minute on a CPU others share.
  await until('ghost text', ghostText, 60000).catch(async (error) => {
    throw new Error(`${error.message}; lsp-codegen: Why this suggestion? says:\n${await why('typing.py')}`);
  });
  await page.waitForTimeout(1500); // the full answer after the first partial one
  await docPicture('ghost-text', ['.view-line:has-text("def count_vowels")', GHOST], 16);
  await snap();
  // Alt+]: VS Code first fetches every candidate, then shows the next one (the first press
  // may only fetch). Alt+[ then moves back. The status bar item says which one ("2/4").
  const seen = [await ghostText()];
  const changed = async (from) => { const text = await ghostText(); return text && text !== from ? text : null; };
  let next = null;
  for (let press = 0; press < 3 && !next; press += 1) {
    await page.keyboard.press('Alt+BracketRight');
    next = await until('another candidate after Alt+]', () => changed(seen[0]), 6000).catch(() => null);
  }
  if (!next) throw new Error(`Alt+] showed no other candidate than ${JSON.stringify(seen[0])} (${await statusNow()})`);
  seen.push(next);
  await page.waitForTimeout(300);
  const statuses = [await statusNow()];
  await page.keyboard.press('Alt+BracketLeft');
  seen.push(await until('another candidate after Alt+[', () => changed(next), 10000));
  await page.waitForTimeout(300);
  statuses.push(await statusNow());
  log(`cycling: ghost texts ${JSON.stringify(seen)}, status ${JSON.stringify(statuses)}`);
  results.cycle = { seen, statuses };
  if (!(await ghostText())) throw new Error('the ghost text went away while cycling');
  await page.keyboard.press('Tab');
  await until('the ghost text accepted', async () => !(await ghostText()), 5000);
  const saved = await save('typing.py');
  const body = saved.split('\n')[BODIES[0] - 1];
  log(`accepted ${JSON.stringify(seen.at(-1))}; saved line ${BODIES[0]}: ${JSON.stringify(body)}`);
  if (body.trim().length <= 1) throw new Error(`Tab inserted nothing: line ${BODIES[0]} is ${JSON.stringify(body)}`);
  results.accepted = body;
}

/** lspCodegen.numCandidates = 2 in the Settings UI; VS Code writes it to settings.json. */
async function changeSetting() {
  await page.keyboard.press('Control+Comma');
  await page.waitForSelector('.settings-editor', { timeout: 30000 });
  await page.waitForTimeout(1000);
  await page.keyboard.type('lspCodegen.numCandidates');
  const row = page.locator('.setting-item-contents').filter({ has: page.locator('.setting-item-label', { hasText: /^Num Candidates$/ }) }).first();
  await row.waitFor({ timeout: 15000 });
  await row.locator('input').fill('2');
  await until('numCandidates 2 in settings.json', () => /"lspCodegen\.numCandidates":\s*2/.test(fs.readFileSync(config.settings, 'utf8')), 10000);
  await snap();
  await page.keyboard.press('Control+W');
}

const menuTitles = () => page.$$eval(`${MENU} .action-widget-action-bar, ${MENU} .monaco-list-row`, (rows) => rows.map((r) => r.textContent.trim()).filter((t) => t));

/** Ctrl+. ten times on the comment prompt: key → menu visible. */
async function codeActionLatency() {
  await openFile('prompt.py');
  await goTo(1, 5);
  // As a user who has put the cursor there: VS Code asks for code actions by itself 250 ms
  // after the cursor moves, and when Ctrl+. came first, that request replaces Ctrl+.'s 500 ms
  // later; Ctrl+.'s, if still unanswered, then ends as "No code actions available" (VS Code
  // 1.100's codeActionModel.ts: a cancelled request counts as an empty answer).
  await page.waitForTimeout(1000);
  results.firstCtrlDot = Date.now();
  const samples = [];
  const nothing = `${NO_ACTIONS}:has-text("No code actions available")`;
  for (let i = 0; i < 10; i += 1) {
    const start = Date.now();
    await page.keyboard.press('Control+Period');
    const seen = await until('the code-action menu', async () => (await visible(MENU) ? 'menu' : await visible(nothing) ? 'nothing' : null), 30000);
    if (seen === 'nothing') {
      throw new Error(`press ${i + 1}: "No code actions available"; lsp-codegen: Why this suggestion? says:\n${await why('prompt.py')}`);
    }
    samples.push(Date.now() - start);
    if (i === 0) {
      results.firstMenu = await menuTitles();
      // "Show all candidates…" opens the candidates' quick pick at once, busy while they are
      // written; Escape closes it.
      await pick('Show all candidates…');
      const title = page.locator('.quick-input-title:has-text("lsp-codegen candidates")');
      await title.waitFor({ timeout: 10000 });
      results.showAllPlaceholder = await page.locator('.quick-input-widget input').getAttribute('placeholder');
      await snap('-show-all');
      await page.keyboard.press('Escape');
      await title.waitFor({ state: 'hidden', timeout: 5000 });
      // Picking a menu entry makes VS Code ask for code actions again, and that request
      // replaces a Ctrl+. pressed up to 500 ms before: a user looks before pressing again.
      await page.waitForTimeout(1000);
      continue;
    }
    await page.keyboard.press('Escape');
    await until('the menu closed', async () => !(await visible(MENU)), 5000);
  }
  log(`Ctrl+. → menu (ms): ${samples.join(', ')}; first menu: ${JSON.stringify(results.firstMenu)}`);
  results.ctrlDotMs = samples;
}

/** Ctrl+. until the menu lists the candidates with their evidence (generated meanwhile). */
async function menuWithCandidates() {
  let titles = [];
  await until('candidates in the code-action menu', async () => {
    await goTo(1, 5);
    await page.keyboard.press('Control+Period');
    await until('the code-action menu', () => visible(MENU), 30000);
    titles = await menuTitles();
    if (titles.some((t) => t.startsWith('Candidate'))) return true;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
    return false;
  }, 90000);
  results.candidatesAfterMs = Date.now() - results.firstCtrlDot;
  log(`menu ${results.candidatesAfterMs} ms after the first Ctrl+.: ${JSON.stringify(titles)}`);
  await page.waitForTimeout(300);
  await docPicture('code-action-menu', [MENU, '.view-line:has-text("# Return the sum")'], 16);
  await snap();
  results.menu = titles;
  await page.keyboard.press('Escape');
}

/** "lsp-codegen: Show candidates": the quick pick fills with rows and their evidence. */
async function showCandidates() {
  await goTo(1, 5);
  await command('lsp-codegen: Show candidates');
  const rows = '.quick-input-list .monaco-list-row';
  await until('candidate rows in the quick pick', async () => (await page.$$eval(rows, (r) => r.map((e) => e.textContent))).some((t) => /^\d+\/\d+/.test(t.trim())), 60000);
  await page.waitForTimeout(300);
  results.quickPick = await page.$$eval(rows, (r) => r.map((e) => e.textContent.trim()));
  log(`quick pick: ${JSON.stringify(results.quickPick)}`);
  await docPicture('candidates-quick-pick', ['.quick-input-widget'], 8);
  await snap();
  await page.keyboard.press('Escape');
}

/** Move the code-action menu's focus down to the entry whose title starts with `title`; Enter. */
async function pick(title) {
  await until(`"${title}" focused in the menu`, async () => {
    const focused = await page.locator(`${MENU} .monaco-list-row.focused`).first().getAttribute('aria-label');
    if (focused?.startsWith(title)) return true;
    await page.keyboard.press('ArrowDown');
    return false;
  }, 5000);
  await page.keyboard.press('Enter');
}

/** Ctrl+. → "Generate code from comment": the edit lands in the saved file. */
async function generateFromComment() {
  const before = readFile('prompt.py');
  await goTo(1, 5);
  await page.keyboard.press('Control+Period');
  await page.locator(`${MENU} .monaco-list-row:has-text("Generate code from comment")`).first().waitFor({ timeout: 30000 });
  await pick('Generate code from comment');
  const saved = await until('the generated code in the saved file', async () => {
    const text = await save('prompt.py');
    // The function's body: an indented line after the `def` line.
    return text !== before && /^def .*\n+ +\S/m.test(text) ? text : null;
  }, 60000);
  log(`generated:\n${saved}`);
  results.generated = saved;
}

/** "lsp-codegen: Run selection" inside the generated function: its verdict in a notification. */
async function runSelection() {
  const lines = readFile('prompt.py').split('\n');
  const def = lines.findIndex((l) => l.startsWith('def '));
  await goTo(def + 2, 5);
  await command('lsp-codegen: Run selection');
  const toast = page.locator(`${TOAST}:has-text("Run:")`).first();
  await toast.waitFor({ timeout: 60000 });
  results.runVerdict = (await toast.locator('.notification-list-item-message').textContent()).trim();
  log(`run selection: ${results.runVerdict}`);
  await snap();
}

/** A broken lspCodegen.server.path: the error message with its two buttons. */
async function brokenServer() {
  await openFile('typing.py');
  const toast = page.locator(`${TOAST}:has-text("lspCodegen.server.path")`).first();
  await toast.waitFor({ timeout: 60000 });
  const buttons = await toast.locator('.monaco-button').allTextContents();
  results.error = { message: (await toast.locator('.notification-list-item-message').textContent()).trim(), buttons };
  log(`error: ${JSON.stringify(results.error)}`);
  await docPicture('server-missing', [TOAST], 8);
  await snap();
  await toast.locator('.monaco-button', { hasText: 'Open Settings' }).click();
  // "Open Settings" shows the lspCodegen.server settings.
  const search = await until('the settings editor on lspCodegen.server', async () => {
    const rows = await page.$$eval('.settings-editor .setting-item-contents', (r) => r.map((e) => e.textContent));
    return rows.some((t) => t.includes('Path')) ? rows : null;
  }, 30000);
  results.settingsOpened = search.length > 0;
  await snap('-open-settings');
}

try {
  await step('workbench', load);
  if (config.scenario === 'broken') {
    await step('server-missing', brokenServer);
  } else {
    await step('loading-ready', modelReady);
    if (config.scenario === 'typing') {
      results.typing = await step('typing-session', typingSession);
    } else {
      results.ghostMs = await step('keystroke-ghost', ghostLatency);
    }
    if (config.scenario === 'full') {
      await step('ghost-cycle-tab', acceptAndCycle);
      await step('settings-ui', changeSetting);
      await step('ctrl-dot-latency', codeActionLatency);
      await step('code-action-menu', menuWithCandidates);
      await step('show-candidates', showCandidates);
      await step('generate-from-comment', generateFromComment);
      await step('run-selection', runSelection);
    }
    results.generatingSeen = (await statusLog()).some((s) => s.state.startsWith('codicon-loading'));
    results.statusLog = (await statusLog()).map((s) => `${s.t - t0} ${s.state}`);
  }
  console.log(`RESULT ${JSON.stringify(results)}`);
} catch (error) {
  console.log(String(error.stack ?? error));
  console.log(`RESULT ${JSON.stringify(results)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
