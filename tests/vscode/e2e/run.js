#!/usr/bin/env node
// run.js: end-to-end test of the livecov VS Code extension. Installs the
// .vsix into code-server (a full VS Code served over HTTP on 127.0.0.1),
// opens a copy of examples/ in Debian's headless Chromium via
// playwright-core, and checks what a user sees: gutter marks on the lines
// `livecov run --lcov` reports, stale marks following an edit, a failing
// test's diagnostic, the status bar percent, and the Test Coverage view.
//
// It starts in Restricted Mode and checks that nothing runs until the
// folder is trusted. Then it opens a multi-root workspace (a .code-workspace
// with two generated Lua projects) in the same code-server: one server per
// folder, each folder's gutter matching `livecov run --json` for that
// folder, the status bar following the active editor's folder, the Testing
// view with one item per folder, runTests false for every folder's server
// until the workspace is trusted, and servers following folder changes (a
// nested project served by its outer folder, then by its own server once
// the outer folder is replaced by it).
//
// Environment: LIVECOV (server binary), VSIX, EXAMPLES (project to copy);
// optional NODE24 (node for code-server), CODE_SERVER (its entry.js),
// CHROMIUM, ARTIFACTS (screenshots, logs), KEEP_TMP=1.
// Exit 0: passed; 1: failed; 77: a prerequisite is missing (reason printed).
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SKIP = 77;
const TIMEOUT_MS = 60000;

// {====== Setup ======

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`run.js: set ${name}`);
    process.exit(2);
  }
  return path.resolve(v);
}

const cfg = {
  livecov: need('LIVECOV'),
  vsix: need('VSIX'),
  examples: need('EXAMPLES'),
  node24: process.env.NODE24 ? path.resolve(process.env.NODE24) : process.execPath,
  codeServer: path.resolve(
    process.env.CODE_SERVER || path.join(__dirname, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  ),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  artifacts: path.resolve(process.env.ARTIFACTS || path.join(os.tmpdir(), 'livecov-vscode-e2e')),
};

function skip(why) {
  console.log(`SKIPPED: ${why}`);
  process.exit(SKIP);
}

if (!fs.existsSync(cfg.vsix)) skip(`the .vsix is missing (${cfg.vsix}): npm ci && npm run package in editors/vscode`);
for (const [what, file] of [
  ['the livecov binary', cfg.livecov],
  ['the example project', cfg.examples],
]) {
  if (!fs.existsSync(file)) {
    console.error(`run.js: ${what} is missing: ${file}`);
    process.exit(1);
  }
}
if (!fs.existsSync(cfg.codeServer)) skip(`code-server is not installed (${cfg.codeServer}); see tests/vscode/README.md`);
if (!fs.existsSync(cfg.node24)) skip(`Node.js 24 for code-server is not installed (${cfg.node24})`);
if (!fs.existsSync(cfg.chromium)) skip(`Chromium is not installed (${cfg.chromium}): apt-get install chromium`);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  skip('playwright-core is not installed: npm ci in tests/vscode/e2e');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livecov-e2e-'));
const ws = path.join(tmp, 'ws');
const dataDir = path.join(tmp, 'data');
const extDir = path.join(tmp, 'ext');
const binDir = path.join(tmp, 'bin');
fs.rmSync(cfg.artifacts, { recursive: true, force: true });
fs.mkdirSync(cfg.artifacts, { recursive: true });

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** The example project plus this test's own fixture (a module and a spec with known lines). */
function makeWorkspace() {
  fs.cpSync(cfg.examples, ws, { recursive: true });
  fs.cpSync(path.join(__dirname, 'fixture'), ws, { recursive: true });
  for (const junk of ['lcov.info', 'luacov.stats.out', 'luacov.report.out']) fs.rmSync(path.join(ws, junk), { force: true });
}

function writeSettings() {
  writeJson(path.join(dataDir, 'User', 'settings.json'), {
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.editor.enablePreview': false,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'github.gitAuthentication': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'files.autoSave': 'off',
    'editor.glyphMargin': true,
    'editor.minimap.enabled': false,
    'editor.stickyScroll.enabled': false,
    'editor.autoIndent': 'none',
    'livecov.trace.server': 'messages',
  });
  // livecov.path is machine-scoped: in a remote window (code-server) it is
  // read from the machine settings, as a user's would be.
  writeJson(path.join(dataDir, 'Machine', 'settings.json'), { 'livecov.path': cfg.livecov });
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  fs.mkdirSync(binDir, { recursive: true });
  fs.symlinkSync(cfg.livecov, path.join(binDir, 'livecov'));
}

// }======

// {====== Oracle: what the CLI reports for the same project ======

/** lcov → Map(abs path → Map(0-based line → hits)). */
function readLcov(file) {
  const files = new Map();
  let cur;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('SF:')) files.set(path.resolve(ws, line.slice(3)), (cur = new Map()));
    else if (line.startsWith('DA:') && cur) {
      const [l, hits] = line.slice(3).split(',').map(Number);
      cur.set(l - 1, hits);
    }
  }
  return files;
}

function oracle() {
  const out = path.join(tmp, 'oracle.info');
  const r = spawnSync(cfg.livecov, ['run', '--root', ws, '--lcov', out, '-j', '1'], { cwd: ws, encoding: 'utf8' });
  fs.writeFileSync(path.join(cfg.artifacts, 'oracle.txt'), `${r.stdout}\n${r.stderr}`);
  if (!fs.existsSync(out)) throw new Error(`livecov run wrote no lcov (exit ${r.status}): ${r.stderr}`);
  fs.copyFileSync(out, path.join(cfg.artifacts, 'oracle.info'));
  return readLcov(out);
}

function linesWhere(map, pred) {
  return [...map.entries()].filter(([, h]) => pred(h)).map(([l]) => l).sort((a, b) => a - b);
}

/** Percent as the server computes it (2 decimals), shown as the status bar does (1 decimal). */
function statusPercent(hit, lines) {
  const p = Math.round((hit / lines) * 10000) / 100;
  const r = Math.round(p * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)}%`;
}

// }======

// {====== Multi-root workspace: two small projects ======

const multi = path.join(tmp, 'multi');
const MULTI_FOLDERS = {
  // Each module has a function its spec never calls, on different lines,
  // so one folder's marks cannot pass for the other's.
  alpha: {
    module: ['src', 'alpha', 'shapes.lua'],
    source: [
      '-- alpha: shapes, for the multi-root end-to-end test.',
      'local shapes = {}',
      '',
      'function shapes.square(x)',
      '  return x * x',
      'end',
      '',
      'function shapes.cube(x)',
      '  return x * x * x',
      'end',
      '',
      'return shapes',
    ],
    spec: ['spec', 'shapes_spec.lua'],
    specSource: [
      'local shapes = require("alpha.shapes")',
      '',
      'describe("shapes", function()',
      '  it("squares", function()',
      '    assert.are.equal(9, shapes.square(3))',
      '  end)',
      'end)',
    ],
  },
  beta: {
    module: ['src', 'beta', 'words.lua'],
    source: [
      '-- beta: words, for the multi-root end-to-end test.',
      'local words = {}',
      '',
      'function words.shout(s)',
      '  return s:upper() .. "!"',
      'end',
      '',
      'function words.whisper(s)',
      '  if s == "" then',
      '    return ""',
      '  end',
      '  return s:lower()',
      'end',
      '',
      'return words',
    ],
    spec: ['spec', 'words_spec.lua'],
    specSource: [
      'local words = require("beta.words")',
      '',
      'describe("words", function()',
      '  it("shouts", function()',
      '    assert.are.equal("HI!", words.shout("hi"))',
      '  end)',
      '  it("whispers", function()',
      '    assert.are.equal("hi", words.whisper("HI"))',
      '  end)',
      'end)',
    ],
  },
};

/**
 * A project nested in beta: served by beta's server while beta is a
 * workspace folder, by its own once it is a folder and beta is not.
 */
const NESTED = {
  name: 'gamma',
  dir: ['beta', 'gamma'],
  module: ['src', 'gamma', 'tally.lua'],
  source: [
    '-- gamma: a project nested in beta, for the multi-root end-to-end test.',
    'local tally = {}',
    '',
    'function tally.count(list)',
    '  local n = 0',
    '  for _ in ipairs(list) do',
    '    n = n + 1',
    '  end',
    '  return n',
    'end',
    '',
    'function tally.empty(list)',
    '  return #list == 0',
    'end',
    '',
    'return tally',
  ],
  spec: ['spec', 'tally_spec.lua'],
  specSource: [
    'local tally = require("gamma.tally")',
    '',
    'describe("tally", function()',
    '  it("counts", function()',
    '    assert.are.equal(3, tally.count({ 1, 2, 3 }))',
    '  end)',
    'end)',
  ],
};

function writeProject(root, p) {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, '.busted'), 'return { default = { lpath = "src/?.lua;src/?/init.lua" } }\n');
  for (const [parts, lines] of [[p.module, p.source], [p.spec, p.specSource]]) {
    const file = path.join(root, ...parts);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
}

/** `multi.code-workspace` with these folders (paths relative to it). */
function writeWorkspaceFile(folders) {
  const file = path.join(multi, 'multi.code-workspace');
  writeJson(file, { folders: folders.map((p) => ({ path: p })), settings: {} });
  return file;
}

/** Writes the projects (alpha, beta, and gamma inside beta) and the workspace of alpha and beta. */
function makeMultiRoot() {
  for (const [name, p] of Object.entries(MULTI_FOLDERS)) writeProject(path.join(multi, name), p);
  writeProject(path.join(multi, ...NESTED.dir), NESTED);
  return writeWorkspaceFile(Object.keys(MULTI_FOLDERS));
}

/**
 * `livecov run --json` on one folder: { percent (status bar text),
 * files: Map(abs path -> Map(0-based line -> hits)) }.
 */
function jsonOracle(root) {
  const out = path.join(tmp, `oracle-${path.basename(root)}.json`);
  const r = spawnSync(cfg.livecov, ['run', '--root', root, '--json', out, '-j', '1'], { cwd: root, encoding: 'utf8' });
  if (!fs.existsSync(out)) throw new Error(`livecov run --json wrote nothing for ${root} (exit ${r.status}): ${r.stderr}`);
  fs.copyFileSync(out, path.join(cfg.artifacts, path.basename(out)));
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  const files = new Map();
  for (const f of report.files) files.set(path.resolve(report.root, f.path), new Map(f.lines.map(([l, h]) => [l - 1, h])));
  const { hit, lines, success, failure, error } = report.summary;
  if (hit === 0 || failure + error > 0) throw new Error(`unexpected oracle for ${root}: ${JSON.stringify(report.summary)}`);
  return { files, percent: statusPercent(hit, lines), success };
}

// }======

// {====== code-server ======

function installExtension() {
  const r = spawnSync(
    cfg.node24,
    [cfg.codeServer, '--config', path.join(tmp, 'config.yaml'), '--user-data-dir', dataDir,
      '--extensions-dir', extDir, '--install-extension', cfg.vsix],
    { encoding: 'utf8', timeout: 120000 },
  );
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
    throw new Error(`--install-extension failed (${r.status}): ${r.stdout}${r.stderr}`);
  }
}

/** Starts code-server on a free loopback port; resolves with its URL. */
function startCodeServer() {
  const log = fs.openSync(path.join(cfg.artifacts, 'code-server.log'), 'w');
  const child = spawn(
    cfg.node24,
    [cfg.codeServer, '--config', path.join(tmp, 'config.yaml'), '--bind-addr', '127.0.0.1:0', '--auth', 'none',
      '--disable-telemetry', '--disable-update-check',
      '--disable-getting-started-override', '--user-data-dir', dataDir, '--extensions-dir', extDir, ws],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // livecov is also on PATH: a remote window may read the machine
      // settings only after the extension has started.
      env: {
        ...process.env,
        PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
        HOME: tmp,
        XDG_CONFIG_HOME: path.join(tmp, 'xdg'),
      },
      // Its own process group, so stopping it also stops the extension
      // host, the livecov server and its workers.
      detached: true,
    },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen:\n${buf}`)), TIMEOUT_MS);
    const onData = (d) => {
      fs.writeSync(log, d);
      buf += d.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`code-server exited (${code}):\n${buf}`)));
  });
}

// }======

// {====== Page helpers ======

/** Polls `fn` in the page until it returns a truthy value. */
async function until(page, what, fn, arg, timeout = TIMEOUT_MS) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout, polling: 100 });
    return await handle.jsonValue();
  } catch (err) {
    throw new Error(`timed out waiting for ${what}`);
  }
}

async function quickInput(page, key, text) {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
}

/**
 * Runs a command by its palette title. The palette lists the commands known
 * when it opens, and some register late after startup: reopen until listed.
 */
async function command(page, title) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3000 });
      await row.click();
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`no command "${title}" in the palette`);
    }
  }
}

async function openFile(page, file, root = ws) {
  await quickInput(page, 'Control+P', file);
  // The list first shows recently opened files: pick the row of this one.
  const rel = path.relative(root, path.dirname(file));
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) })
    .filter({ hasText: rel }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(file) }).waitFor({ state: 'visible' });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
}

async function gotoLine(page, line1) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line1}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await until(page, `cursor on line ${line1}`, (l) =>
    [...document.querySelectorAll('.statusbar-item')].some((e) => (e.textContent || '').includes(`Ln ${l},`)), line1);
}

/**
 * The livecov gutter marks of the active editor, read from the DOM:
 * { kind: [0-based lines] } plus `first`/`last` visible lines. Kinds come
 * from the icon file names (covered, stale-uncovered, ...).
 */
function readGutter() {
  const editor = document.querySelector('.editor-group-container.active .monaco-editor');
  if (!editor) return null;
  const lineAt = new Map();
  for (const div of editor.querySelectorAll('.margin-view-overlays > div')) {
    const num = div.querySelector('.line-numbers');
    if (num && /^\d+$/.test(num.textContent.trim())) lineAt.set(div.style.top, Number(num.textContent) - 1);
  }
  const out = { marks: {}, first: Math.min(...lineAt.values()), last: Math.max(...lineAt.values()) };
  for (const el of editor.querySelectorAll('.glyph-margin-widgets .cgmr, .margin-view-overlays .cgmr')) {
    // url(".../media/covered-dark.svg"), the path possibly URL-encoded.
    const m = /(?:\/|%2F)((?:stale-)?(?:covered|uncovered|partial|failed))-(?:dark|light)\.svg/i.exec(getComputedStyle(el).backgroundImage);
    if (!m) continue;
    const line = lineAt.get(el.style.top || el.parentElement.style.top);
    if (line === undefined) continue;
    (out.marks[m[1]] ??= []).push(line);
  }
  for (const k of Object.keys(out.marks)) out.marks[k].sort((a, b) => a - b);
  return out;
}

/** Waits until the gutter shows exactly `want` (kind → lines) within the visible lines. */
async function expectGutter(page, what, want) {
  try {
    return await until(
      page,
      what,
      ([src, want]) => {
        const g = new Function(`return (${src})()`)();
        if (!g || !Number.isFinite(g.first)) return false;
        const visible = (lines) => lines.filter((l) => l >= g.first && l <= g.last);
        for (const kind of new Set([...Object.keys(want), ...Object.keys(g.marks)])) {
          if (JSON.stringify(visible(want[kind] ?? [])) !== JSON.stringify(g.marks[kind] ?? [])) return false;
        }
        return g;
      },
      [readGutter.toString(), want],
    );
  } catch (err) {
    const got = await page.evaluate((src) => new Function(`return (${src})()`)(), readGutter.toString());
    throw new Error(`${err.message}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
  }
}

function statusLabel() {
  const el = document.querySelector('.statusbar-item[aria-label^="livecov:"]');
  return el ? el.getAttribute('aria-label') : null;
}

async function expectStatus(page, what, re) {
  try {
    return await until(
      page,
      what,
      ([src, re]) => {
        const label = new Function(`return (${src})()`)();
        return label && new RegExp(re).test(label) && label;
      },
      [statusLabel.toString(), re.source],
    );
  } catch (err) {
    const got = await page.evaluate((src) => new Function(`return (${src})()`)(), statusLabel.toString());
    throw new Error(`${err.message}: status bar says ${JSON.stringify(got)}`);
  }
}

// }======

let passed = 0;
function ok(name, detail = '') {
  passed++;
  console.log(`ok ${passed} - ${name}${detail ? `: ${detail}` : ''}`);
}

async function shot(page, name) {
  const file = path.join(cfg.artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`# screenshot ${file}`);
}

async function main() {
  makeWorkspace();
  writeSettings();
  const lcov = oracle();
  const calc = path.join(ws, 'src', 'e2e', 'calc.lua');
  const spec = path.join(ws, 'spec', 'e2e_calc_spec.lua');
  if (!lcov.has(calc)) throw new Error(`livecov run reported nothing for ${calc}`);
  let hit = 0;
  let total = 0;
  for (const lines of lcov.values()) {
    total += lines.size;
    hit += [...lines.values()].filter((h) => h > 0).length;
  }
  if (hit === 0) throw new Error(`livecov run covered no line: see ${path.join(cfg.artifacts, 'oracle.txt')}`);
  // The example module to look at: the first (by path) with covered lines
  // and an uncovered line near the top, so it is on screen.
  const money = [...lcov.keys()]
    .filter((f) => !f.startsWith(path.join(ws, 'src', 'e2e')))
    .sort()
    .find((f) => {
      const lines = [...lcov.get(f).entries()];
      return lines.some(([, h]) => h > 0) && lines.some(([l, h]) => h === 0 && l < 40);
    });
  if (!money) throw new Error('no module of the example has both covered and uncovered lines in its first 40 lines');
  const moneyName = path.basename(money);
  const moneyCovered = linesWhere(lcov.get(money), (h) => h > 0);
  const moneyUncovered = linesWhere(lcov.get(money), (h) => h === 0);
  ok('livecov run --lcov (oracle)', `${hit}/${total} lines, ${moneyName} uncovered ${JSON.stringify(moneyUncovered)}`);

  installExtension();
  ok('code-server --install-extension');
  const server = await startCodeServer();
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: cfg.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const consoleLog = fs.createWriteStream(path.join(cfg.artifacts, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`${m.type()}: ${m.text()}\n`));
    try {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      ok('workbench loaded', server.url);

      // Workspace Trust: the folder opens in Restricted Mode (no prompt); the
      // server is told runTests=false until the user trusts the folder, then
      // runTests=true through workspace/didChangeConfiguration.
      const off = await expectStatus(page, 'livecov off in Restricted Mode', /^livecov: tests off in an untrusted workspace$/);
      ok('an untrusted workspace runs no tests', off);
      await command(page, 'Workspaces: Manage Workspace Trust');
      await page.locator('.monaco-button', { hasText: /^Trust$/ }).first().click();
      await until(page, 'Restricted Mode to end', () =>
        ![...document.querySelectorAll('.statusbar-item')].some((e) => /^Restricted Mode/.test(e.getAttribute('aria-label') || '')));
      await command(page, 'View: Close All Editors');

      // Status bar: the project percent of the first run.
      const pct = statusPercent(hit, total);
      const label = await expectStatus(page, `status bar at ${pct}`, new RegExp(`^livecov: ${pct.replace('.', '\\.')} covered, \\d+ passed, 0 failed`));
      ok('status bar shows the project percent', label);

      // Gutter of a module: exactly the oracle's lines.
      await openFile(page, money);
      await expectGutter(page, `gutter of ${moneyName}`, { covered: moneyCovered, uncovered: moneyUncovered });
      ok(`gutter marks uncovered and covered lines of ${moneyName}`, `uncovered ${JSON.stringify(moneyUncovered)}`);
      await shot(page, 'gutter');

      await command(page, 'livecov: Toggle Coverage Gutter');
      await expectGutter(page, 'no marks with the gutter off', {});
      await command(page, 'livecov: Toggle Coverage Gutter');
      await expectGutter(page, 'marks back with the gutter on', { covered: moneyCovered, uncovered: moneyUncovered });
      ok('Toggle Coverage Gutter hides and shows the marks');

      // Edit: marks turn stale and move down with an inserted line.
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Enter');
      const plus1 = (ls) => ls.map((l) => l + 1);
      await expectGutter(page, 'stale marks shifted by one line', {
        'stale-covered': plus1(moneyCovered),
        'stale-uncovered': plus1(moneyUncovered),
      });
      ok('an edit turns the marks stale and shifts them');
      await shot(page, 'stale');

      // Save: the server reruns and fresh marks land on the new lines.
      await page.keyboard.press('Control+S');
      await expectGutter(page, 'fresh marks after save', { covered: plus1(moneyCovered), uncovered: plus1(moneyUncovered) });
      ok('save reruns the specs and redraws fresh marks');

      // Break the fixture module and save: a test fails.
      const calcUncovered = linesWhere(lcov.get(calc), (h) => h === 0);
      await openFile(page, calc);
      await expectGutter(page, 'gutter of calc.lua', {
        covered: linesWhere(lcov.get(calc), (h) => h > 0),
        uncovered: calcUncovered,
      });
      await gotoLine(page, 5);
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('return a - b');
      await page.keyboard.press('Control+S');
      const failedLabel = await expectStatus(page, 'one failed test', /, 1 failed, /);
      ok('status bar counts the failing test', failedLabel);

      await command(page, 'View: Focus Problems');
      const problem = await until(page, 'the failure in the Problems view', () => {
        const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
        const text = rows.map((r) => r.getAttribute('aria-label') || r.textContent).join('\n');
        return /e2e_calc_spec\.lua/.test(text) && /Expected objects to be equal/.test(text) && text;
      });
      ok('the failing test is an error diagnostic', problem.split('\n').find((l) => /Expected/.test(l)));
      await shot(page, 'failure');

      await openFile(page, spec);
      const g = await until(page, 'failed mark in the spec', (src) => {
        const got = new Function(`return (${src})()`)();
        return got && got.marks.failed && got.marks.failed.includes(4) && got;
      }, readGutter.toString());
      ok('the failing assertion has a failed mark', JSON.stringify(g.marks.failed));

      // Testing view: run everything with coverage.
      await command(page, 'Testing: Focus on Test Explorer View');
      await page.locator('.monaco-list-row', { hasText: 'e2e_calc_spec.lua' }).first().waitFor({ state: 'visible' });
      await page.locator('.action-label[aria-label="Run Tests with Coverage"]:visible').first().click();
      const moneyPct = `${((moneyCovered.length / (moneyCovered.length + moneyUncovered.length)) * 100).toFixed(2)}%`;
      const row = await until(page, `${moneyName} at ${moneyPct} in the Test Coverage view`, ([name, pct]) => {
        const rows = [...document.querySelectorAll('.pane-body .monaco-list-row')].map((r) => r.textContent);
        return rows.find((t) => t.includes(name) && t.includes(pct));
      }, [moneyName, moneyPct]);
      ok('Run Tests with Coverage fills the Test Coverage view', row);
      await until(page, 'the failed test in the Test Explorer', () =>
        [...document.querySelectorAll('.monaco-list-row')].some((r) => /e2e_calc_spec\.lua \(Failed\)/.test(r.getAttribute('aria-label') || '')));
      ok('the Test Explorer shows the failed test');
      await shot(page, 'coverage');

      // The coverage overlay of an open file (loadDetailedCoverage).
      await openFile(page, money);
      await until(page, 'coverage overlay in the editor', () =>
        document.querySelector('.editor-group-container.active .monaco-editor .coverage-deco-gutter, .editor-group-container.active .monaco-editor [class*="coverage-deco"]') !== null,
      );
      ok('the editor shows the coverage overlay of the run');
      await shot(page, 'coverage-editor');

      // One picture of it all for the README: the module and the failing
      // spec side by side, the Testing view, the status bar.
      await command(page, 'View: Hide Panel');
      await openFile(page, spec);
      await command(page, 'View: Split Editor Right');
      await command(page, 'View: Focus First Editor Group');
      await openFile(page, money);
      await gotoLine(page, 1);
      await until(page, 'both editors drawn', () =>
        document.querySelectorAll('.monaco-editor .glyph-margin-widgets .cgmr').length > 0);
      await shot(page, 'readme');

      await multiRootChecks(page, server.url);
    } catch (err) {
      await shot(page, 'failed').catch(() => {});
      throw err;
    } finally {
      consoleLog.end();
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopGroup(server.child);
    copyLogs();
  }
  checkUntrustedLogs();
}

/**
 * The multi-root workspace, opened in the same code-server after the
 * single-folder checks: one livecov server per folder.
 */
async function multiRootChecks(page, url) {
  const wsFile = makeMultiRoot();
  const rootOf = (name) => (name === NESTED.name ? path.join(multi, ...NESTED.dir) : path.join(multi, name));
  const oracles = {};
  for (const name of [...Object.keys(MULTI_FOLDERS), NESTED.name]) oracles[name] = jsonOracle(rootOf(name));
  ok('livecov run --json on each folder (oracles)',
    Object.entries(oracles).map(([n, o]) => `${n} ${o.percent}`).join(', '));
  const moduleOf = (name) => path.join(rootOf(name), ...(MULTI_FOLDERS[name] ?? NESTED).module);
  /** The marks of `name`'s module as the server of folder `server` reports them. */
  const marksOf = (name, server = name) => {
    const lines = oracles[server].files.get(moduleOf(name));
    if (!lines) throw new Error(`livecov run on ${server} reported nothing for ${moduleOf(name)}`);
    return { covered: linesWhere(lines, (h) => h > 0), uncovered: linesWhere(lines, (h) => h === 0) };
  };
  const statusOf = (name, failed = 0) => {
    const o = oracles[name];
    const pct = failed ? '[\\d.]+%' : o.percent.replace('.', '\\.');
    return new RegExp(`^livecov: ${name}: ${pct} covered, \\d+ passed, ${failed} failed`);
  };

  await page.goto(`${url}/?workspace=${encodeURIComponent(wsFile)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await until(page, 'the multi-root workspace in the window title', () => document.title.includes('multi (Workspace)'));
  ok('multi-root workspace loaded', path.basename(wsFile));

  // Restricted Mode again (another place): every folder's server is told
  // runTests=false (checked in their logs at the end) until the user trusts
  // the workspace.
  const off = await expectStatus(page, 'livecov off in Restricted Mode (multi-root)', /^livecov: tests off in an untrusted workspace$/);
  ok('an untrusted multi-root workspace runs no tests', off);
  await command(page, 'Workspaces: Manage Workspace Trust');
  await page.locator('.monaco-button', { hasText: /^Trust$/ }).first().click();
  await until(page, 'Restricted Mode to end (multi-root)', () =>
    ![...document.querySelectorAll('.statusbar-item')].some((e) => /^Restricted Mode/.test(e.getAttribute('aria-label') || '')));
  await command(page, 'View: Close All Editors');

  // No editor: the status bar shows the first folder.
  const first = await expectStatus(page, 'status bar of alpha', statusOf('alpha'));
  ok('the status bar names the folder it shows', first);

  // Each folder's module: exactly that folder's oracle lines, and the
  // status bar follows the active editor's folder.
  for (const name of Object.keys(MULTI_FOLDERS)) {
    const file = moduleOf(name);
    await openFile(page, file, path.join(multi, name));
    const want = marksOf(name);
    await expectGutter(page, `gutter of ${name}/${path.basename(file)}`, want);
    const label = await expectStatus(page, `status bar of ${name}`, statusOf(name));
    ok(`gutter marks of ${name}'s server on ${path.basename(file)}`, `uncovered ${JSON.stringify(want.uncovered)}; ${label}`);
  }
  await shot(page, 'multi-root');

  // One Testing view: a top-level item per folder; one coverage run
  // reports the files of both folders.
  await command(page, 'Testing: Focus on Test Explorer View');
  for (const name of Object.keys(MULTI_FOLDERS)) {
    await page.locator('.test-explorer-tree .monaco-list-row', { hasText: new RegExp(`^${name}`) }).first().waitFor({ state: 'visible' });
  }
  ok('the Test Explorer has an item per folder');
  await page.locator('.action-label[aria-label="Run Tests with Coverage"]:visible').first().click();
  for (const name of Object.keys(MULTI_FOLDERS)) {
    const { covered, uncovered } = marksOf(name);
    const base = path.basename(moduleOf(name));
    const pct = `${((covered.length / (covered.length + uncovered.length)) * 100).toFixed(2)}%`;
    const row = await until(page, `${base} at ${pct} in the Test Coverage view`, ([n, p]) => {
      const rows = [...document.querySelectorAll('.pane-body .monaco-list-row')].map((r) => r.textContent);
      return rows.find((t) => t.includes(n) && t.includes(p));
    }, [base, pct]);
    ok(`one coverage run covers ${name}`, row);
  }
  await shot(page, 'multi-root-coverage');

  // A failure in beta is beta's: its status bar counts it, alpha's does not.
  await openFile(page, moduleOf('beta'), path.join(multi, 'beta'));
  await gotoLine(page, 5);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type('return s:lower() .. "!"');
  await page.keyboard.press('Control+S');
  const broken = await expectStatus(page, 'one failed test in beta', statusOf('beta', 1));
  ok('a failing test in beta shows in beta\'s status', broken);
  await openFile(page, moduleOf('alpha'), path.join(multi, 'alpha'));
  const clean = await expectStatus(page, 'alpha unaffected', statusOf('alpha'));
  ok('alpha\'s status is its own', clean);

  // Folders change: gamma, a project inside beta, is beta's (never run by
  // beta's specs: all uncovered). Replacing beta with gamma in the
  // workspace (alpha stays first, so the extension host keeps running)
  // stops beta's server, drops its marks, and starts gamma's.
  const gamma = moduleOf(NESTED.name);
  const underBeta = marksOf(NESTED.name, 'beta');
  if (underBeta.covered.length > 0) throw new Error(`beta's specs cover ${gamma}: ${JSON.stringify(underBeta)}`);
  await openFile(page, gamma, path.join(multi, 'beta'));
  await expectGutter(page, 'gamma\'s module served by beta', underBeta);
  await expectStatus(page, 'gamma\'s module in beta\'s status', statusOf('beta', 1));
  ok('a project nested in a served folder is that folder\'s', `uncovered ${JSON.stringify(underBeta.uncovered)}`);

  writeWorkspaceFile(['alpha', NESTED.dir.join('/')]);
  const own = marksOf(NESTED.name);
  await expectGutter(page, 'gamma\'s module served by gamma', own);
  const gammaLabel = await expectStatus(page, 'status bar of gamma', statusOf(NESTED.name));
  ok('removing beta and adding gamma starts gamma\'s server', `${gammaLabel}; uncovered ${JSON.stringify(own.uncovered)}`);
  await openFile(page, moduleOf('beta'), path.join(multi, 'beta'));
  await expectGutter(page, 'no marks on beta\'s module once beta is gone', {});
  ok('beta\'s marks go with its server');
  await command(page, 'Testing: Focus on Test Explorer View');
  await until(page, 'Test Explorer items alpha and gamma only', () => {
    const rows = [...document.querySelectorAll('.test-explorer-tree .monaco-list-row')]
      .map((r) => (r.textContent || '').trim());
    return rows.some((t) => t.startsWith('alpha')) && rows.some((t) => t.startsWith('gamma')) &&
      !rows.some((t) => t.startsWith('beta'));
  });
  ok('the Test Explorer follows the folders');
  await shot(page, 'multi-root-folders');
}

/** After the run: every folder's server said it ran no tests before the workspace was trusted. */
function checkUntrustedLogs() {
  for (const name of Object.keys(MULTI_FOLDERS)) {
    const logs = fs.readdirSync(cfg.artifacts).filter((f) => f.startsWith(`livecov (${name})`));
    const said = logs.some((f) => /runTests is false/.test(fs.readFileSync(path.join(cfg.artifacts, f), 'utf8')));
    if (!said) throw new Error(`the log of ${name}'s server (${logs.join(', ') || 'missing'}) does not say runTests is false`);
  }
  ok('every folder\'s server started with runTests false while untrusted');
  // Folder changes restart nothing else: alpha's server started once.
  const alpha = fs.readdirSync(cfg.artifacts).filter((f) => f.startsWith('livecov (alpha)'));
  const starts = alpha.flatMap((f) => fs.readFileSync(path.join(cfg.artifacts, f), 'utf8').split('\n'))
    .filter((l) => /livecov: started .* lsp in /.test(l));
  if (starts.length !== 1) throw new Error(`alpha's server started ${starts.length} times (${alpha.join(', ')})`);
  const gamma = fs.readdirSync(cfg.artifacts).filter((f) => f.startsWith(`livecov (${NESTED.name})`));
  if (gamma.length !== 1) throw new Error(`gamma's log: ${gamma.join(', ') || 'missing'}`);
  ok('replacing beta with gamma left alpha\'s server running', starts[0].replace(/^.*livecov: /, ''));
}

/** SIGTERM to the process group of `child`, SIGKILL to what is left after 5 s. */
async function stopGroup(child) {
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
  signal('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  // Children (extension host, livecov) may outlive the parent: end the group.
  await new Promise((r) => setTimeout(r, 500));
  signal('SIGKILL');
}

/**
 * Keeps the extension's logs (LSP traces) with the screenshots: `livecov.log`
 * (a single folder) and `livecov (folder).log` (one per folder of a
 * multi-root workspace), named after the extension host that wrote them.
 */
function copyLogs() {
  const logs = path.join(dataDir, 'logs');
  if (!fs.existsSync(logs)) return;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^livecov( \(.*\))?\.log$/.test(e.name)) {
        const host = path.basename(path.dirname(path.dirname(p)));
        let out = path.join(cfg.artifacts, `${e.name.slice(0, -'.log'.length)}-${host}.log`);
        for (let n = 2; fs.existsSync(out); n++) out = out.replace(/(-\d+)?\.log$/, `-${n}.log`);
        fs.copyFileSync(p, out);
      }
    }
  };
  walk(logs);
}

main()
  .then(() => {
    console.log(`e2e: ${passed} passed, 0 failed`);
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(0);
  })
  .catch((err) => {
    console.log(`not ok ${passed + 1} - ${err.message}`);
    console.log(`e2e: ${passed} passed, 1 failed (artifacts in ${cfg.artifacts}, workspace in ${tmp})`);
    process.exit(1);
  });
