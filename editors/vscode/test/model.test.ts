// Unit tests of the pure mappings in src/model.ts: notification payload →
// gutter marks, their shifting on edits, status bar text, test tree ids,
// coverage statements and settings. Run with `npm test` (node:test).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CoverageParams,
  EditLog,
  SummaryParams,
  TestsParams,
  TextChange,
  applyChanges,
  buildTestTree,
  currentMarks,
  decorationLines,
  describeId,
  failureMessage,
  fileLabel,
  formatPercent,
  leaves,
  lineTotals,
  marksFromCoverage,
  outcome,
  parseAssertionDiff,
  serverSettings,
  shiftLine,
  statements,
  statusView,
  testLines,
  testsByFile,
} from '../src/model';

const URI = 'file:///p/src/money.lua';

function cov(over: Partial<CoverageParams> = {}): CoverageParams {
  return { uri: URI, version: 4, stale: false, covered: [], uncovered: [], partial: [], failed: [], ...over };
}

/** Decoration key → lines, only the non-empty keys: the one helper most tests check through. */
function drawn(p: CoverageParams | ReturnType<typeof marksFromCoverage>, lineCount?: number): Record<string, number[]> {
  const fm = 'marks' in p ? p : marksFromCoverage(p);
  const out: Record<string, number[]> = {};
  for (const [key, marks] of decorationLines(fm, lineCount)) if (marks.length) out[key] = marks.map((m) => m.line);
  return out;
}

/** A change replacing `[sl:sc, el:ec)` with `text`. */
function ch(sl: number, sc: number, el: number, ec: number, text: string): TextChange {
  return { startLine: sl, startCharacter: sc, endLine: el, endCharacter: ec, text };
}

describe('coverage notification → decorations', () => {
  it('maps the example payload of ARCHITECTURE.md exactly', () => {
    const p = cov({
      covered: [
        [0, 1],
        [3, 12],
      ],
      uncovered: [5, 6],
      failed: [{ line: 9, message: 'Expected objects to be equal.' }],
    });
    assert.deepEqual(drawn(p), { covered: [0, 3], uncovered: [5, 6], failed: [9] });
  });

  it('draws every kind on its own line and keeps hits', () => {
    const fm = marksFromCoverage(
      cov({ covered: [[1, 2], [2, 7]], uncovered: [4], partial: [2], failed: [{ line: 7, message: 'boom' }] }),
    );
    assert.deepEqual(
      fm.marks.map((m) => [m.line, m.kind, m.hits]),
      [
        [1, 'covered', 2],
        [2, 'partial', 7],
        [4, 'uncovered', 0],
        [7, 'failed', 0],
      ],
    );
  });

  it('lets failed beat partial beat uncovered beat covered on one line', () => {
    const p = cov({
      covered: [[1, 3], [2, 1], [3, 1]],
      uncovered: [1],
      partial: [2],
      failed: [{ line: 2, message: 'a' }, { line: 2, message: 'b' }],
    });
    assert.deepEqual(drawn(p), { uncovered: [1], failed: [2], covered: [3] });
    const failed = marksFromCoverage(p).marks.find((m) => m.line === 2)!;
    assert.deepEqual(failed.messages, ['a', 'b']);
    assert.equal(failed.hits, 1);
  });

  it('treats a covered pair with 0 hits as uncovered', () => {
    assert.deepEqual(drawn(cov({ covered: [[2, 0]] })), { uncovered: [2] });
  });

  it('uses the stale decorations when the payload is stale', () => {
    const p = cov({ stale: true, covered: [[0, 1]], uncovered: [2], failed: [{ line: 3, message: 'x' }] });
    assert.deepEqual(drawn(p), { 'stale-covered': [0], 'stale-uncovered': [2], 'stale-failed': [3] });
  });

  it('draws nothing for a file with no executable lines', () => {
    assert.deepEqual(drawn(cov()), {});
  });

  it('drops lines past the end of the document and negative lines', () => {
    assert.deepEqual(drawn(cov({ uncovered: [-1, 2, 9, 10] }), 10), { uncovered: [2, 9] });
  });
});

describe('marks follow edits until the next notification', () => {
  const base = () => marksFromCoverage(cov({ covered: [[1, 1], [3, 1], [7, 2]], uncovered: [5] }));
  const lines = (fm: ReturnType<typeof base>) => fm.marks.map((m) => [m.line, m.kind]);

  it('turns stale on any edit, even one inside a line', () => {
    const fm = applyChanges(base(), [ch(3, 2, 3, 2, 'x')]);
    assert.equal(fm.stale, true);
    assert.deepEqual(drawn(fm), { 'stale-covered': [1, 3, 7], 'stale-uncovered': [5] });
  });

  it('shifts lines below an inserted line by +1', () => {
    // Enter at the end of line 3.
    const fm = applyChanges(base(), [ch(3, 10, 3, 10, '\n')]);
    assert.deepEqual(lines(fm), [[1, 'covered'], [3, 'covered'], [6, 'uncovered'], [8, 'covered']]);
  });

  it('pushes a line down when text with newlines is inserted at its start', () => {
    const fm = applyChanges(base(), [ch(5, 0, 5, 0, '-- a\n-- b\n')]);
    assert.deepEqual(lines(fm), [[1, 'covered'], [3, 'covered'], [7, 'uncovered'], [9, 'covered']]);
  });

  it('drops whole deleted lines and pulls the rest up', () => {
    // Delete lines 3 and 4 (from 3:0 to 5:0).
    const fm = applyChanges(base(), [ch(3, 0, 5, 0, '')]);
    assert.deepEqual(lines(fm), [[1, 'covered'], [3, 'uncovered'], [5, 'covered']]);
  });

  it('drops lines joined into the line above', () => {
    // Backspace at the start of line 5 joins it to line 4.
    const fm = applyChanges(base(), [ch(4, 12, 5, 0, '')]);
    assert.deepEqual(lines(fm), [[1, 'covered'], [3, 'covered'], [6, 'covered']]);
  });

  it('applies a multi-cursor event in the coordinates before it', () => {
    // Two insertions of a line, above line 3 and above line 7, in one event.
    const fm = applyChanges(base(), [ch(3, 0, 3, 0, 'x\n'), ch(7, 0, 7, 0, 'y\n')]);
    assert.deepEqual(lines(fm), [[1, 'covered'], [4, 'covered'], [6, 'uncovered'], [9, 'covered']]);
  });

  it('shiftLine: the rules one by one', () => {
    assert.equal(shiftLine(2, ch(5, 3, 6, 1, '')), 2);
    assert.equal(shiftLine(5, ch(5, 3, 6, 1, '')), 5);
    assert.equal(shiftLine(6, ch(5, 3, 6, 1, '')), undefined);
    assert.equal(shiftLine(9, ch(5, 3, 6, 1, '')), 8);
    assert.equal(shiftLine(9, ch(5, 3, 5, 3, 'a\r\nb\r\nc')), 11);
    assert.equal(shiftLine(5, ch(5, 0, 5, 0, 'a\n')), 6);
    assert.equal(shiftLine(5, ch(5, 0, 6, 0, '')), undefined);
  });

  it('replays the edits made since the version the data describes', () => {
    const log = new EditLog();
    log.record(5, [ch(0, 0, 0, 0, '\n')]);
    log.record(6, [ch(0, 0, 0, 0, '\n')]);
    const p = cov({ version: 4, uncovered: [2] });
    assert.deepEqual(drawn(currentMarks(p, log.since(4))), { 'stale-uncovered': [4] });
    assert.deepEqual(drawn(currentMarks({ ...p, version: 5 }, log.since(5))), { 'stale-uncovered': [3] });
    assert.deepEqual(drawn(currentMarks({ ...p, version: 6 }, log.since(6))), { uncovered: [2] });
    log.forgetThrough(5);
    assert.equal(log.since(4), undefined, 'forgotten edits cannot be replayed');
    assert.deepEqual(drawn(currentMarks(p, log.since(4))), { 'stale-uncovered': [2] });
  });

  it('keeps a bounded edit log', () => {
    const log = new EditLog(3);
    for (let v = 1; v <= 10; v++) log.record(v, []);
    assert.equal(log.since(6), undefined);
    assert.equal(log.since(7)!.length, 3);
    assert.deepEqual(log.since(10), []);
  });
});

describe('status bar', () => {
  const summary = (over: Partial<SummaryParams> = {}): SummaryParams => ({
    files: 12,
    lines: 340,
    hit: 300,
    percent: 88.24,
    tests: { success: 40, failure: 1, error: 0, pending: 2 },
    running: false,
    disabled: false,
    perFile: [
      { uri: 'file:///p/src/a.lua', lines: 20, hit: 5, percent: 25.0 },
      { uri: 'file:///p/src/b%20c.lua', lines: 10, hit: 5, percent: 50.0 },
    ],
    ...over,
  });

  it('shows percent and pass/fail counts', () => {
    const v = statusView({ summary: summary(), running: false, trusted: true });
    assert.equal(v.text, '$(beaker) 88.2% $(pass) 40 $(error) 1 $(circle-slash) 2');
    assert.equal(v.label, 'livecov: 88.2% covered, 40 passed, 1 failed, 2 pending');
    assert.equal(
      v.tooltip,
      [
        'livecov: 300 of 340 lines covered in 12 files (88.2%)',
        'Tests: 40 passed, 1 failed, 0 errors, 2 pending',
        'Least covered: a.lua 25%, b c.lua 50%',
        'Click to open the Testing view',
      ].join('\n'),
    );
  });

  it('hides zero failure and pending counts once tests pass', () => {
    const s = summary({ percent: 100, hit: 340, tests: { success: 3, failure: 0, error: 0, pending: 0 } });
    assert.equal(statusView({ summary: s, running: false, trusted: true }).text, '$(beaker) 100% $(pass) 3');
  });

  it('counts errors as failures and spins while running', () => {
    const s = summary({ tests: { success: 1, failure: 1, error: 2, pending: 0 } });
    const v = statusView({ summary: s, running: true, trusted: true });
    assert.equal(v.text, '$(sync~spin) 88.2% $(pass) 1 $(error) 3');
    assert.equal(v.label, 'livecov: 88.2% covered, 1 passed, 3 failed, 0 pending, running');
  });

  it('says why nothing runs in an untrusted workspace', () => {
    assert.equal(statusView({ running: false, trusted: false }).text, '$(workspace-untrusted) livecov: tests off');
    const v = statusView({ summary: summary({ disabled: true }), running: false, trusted: true });
    assert.match(v.tooltip, /untrusted workspace/);
  });

  it('shows an error and a waiting state', () => {
    assert.equal(statusView({ running: false, trusted: true, error: 'not found' }).text, '$(error) livecov');
    assert.equal(statusView({ running: false, trusted: true }).text, '$(beaker) livecov');
  });

  it('names the folder it shows in a multi-root workspace', () => {
    const v = statusView({ summary: summary(), running: false, trusted: true, folder: 'app' });
    assert.equal(v.text, '$(beaker) app: 88.2% $(pass) 40 $(error) 1 $(circle-slash) 2');
    assert.equal(v.label, 'livecov: app: 88.2% covered, 40 passed, 1 failed, 2 pending');
    assert.equal(
      v.tooltip,
      [
        'livecov (app): 300 of 340 lines covered in 12 files (88.2%)',
        'Tests: 40 passed, 1 failed, 0 errors, 2 pending',
        'Least covered: a.lua 25%, b c.lua 50%',
        'One server per workspace folder; the status bar follows the active editor',
        'Click to open the Testing view',
      ].join('\n'),
    );
    assert.equal(statusView({ running: false, trusted: true, folder: 'app' }).label, 'livecov: app: waiting');
    const err = statusView({ running: false, trusted: true, error: 'not found', folder: 'app' });
    assert.equal(err.text, '$(error) livecov (app)');
    assert.equal(err.label, 'livecov: app: not found');
    // Trust is the workspace's, not a folder's.
    assert.equal(
      statusView({ running: false, trusted: false, folder: 'app' }).label,
      'livecov: tests off in an untrusted workspace',
    );
  });

  it('formats percentages', () => {
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(99.96), '100%');
    assert.equal(formatPercent(33.333), '33.3%');
    assert.equal(formatPercent(NaN), '–');
  });
});

describe('test tree', () => {
  const S = 'file:///p/spec/money_spec.lua';
  const tests: TestsParams = {
    uri: S,
    tests: [
      { id: `${S}::Money adds`, label: 'adds', path: ['Money', 'adds'], line: 4, status: 'success' },
      {
        id: `${S}::Money converts rounds`,
        label: 'rounds',
        path: ['Money', 'converts', 'rounds'],
        line: 9,
        status: 'failure',
        message: 'Expected objects to be equal.\nPassed in:\n(number) 5\nExpected:\n(number) 4',
        failUri: S,
        failLine: 11,
        durationMs: 0.4,
      },
      { id: `${S}::top level`, label: 'top level', path: ['top level'], line: 20, status: 'pending' },
      { id: `${S}::Money adds`, label: 'adds', path: ['Money', 'adds'], line: 14, status: 'error', message: 'oops' },
    ],
  };

  it('builds file → describe → it with stable ids', () => {
    const tree = buildTestTree(tests, 'spec/money_spec.lua');
    const shape = (n: ReturnType<typeof buildTestTree>): unknown => [
      n.kind,
      n.id,
      n.label,
      n.line,
      ...n.children.map(shape),
    ];
    assert.deepEqual(shape(tree), [
      'file',
      S,
      'spec/money_spec.lua',
      undefined,
      [
        'describe',
        `describe:${S}::Money`,
        'Money',
        4,
        ['test', `${S}::Money adds`, 'adds', 4],
        ['describe', `describe:${S}::Money converts`, 'converts', 9, ['test', `${S}::Money converts rounds`, 'rounds', 9]],
        ['test', `${S}::Money adds#2`, 'adds', 14],
      ],
      ['test', `${S}::top level`, 'top level', 20],
    ]);
    assert.deepEqual(
      leaves(tree).map((n) => n.result!.status),
      ['success', 'failure', 'error', 'pending'],
    );
    assert.equal(describeId(S, ['a', 'b']), `describe:${S}::a b`);
  });

  it('labels spec files relative to the workspace folder', () => {
    assert.equal(fileLabel(S, ['file:///q', 'file:///p']), 'spec/money_spec.lua');
    assert.equal(fileLabel('file:///elsewhere/a%20b_spec.lua', ['file:///p/']), 'a b_spec.lua');
  });

  it('maps statuses to Testing view outcomes', () => {
    assert.deepEqual(
      (['success', 'failure', 'error', 'pending'] as const).map(outcome),
      ['passed', 'failed', 'errored', 'skipped'],
    );
  });

  it('splits a luassert message into expected and actual', () => {
    assert.deepEqual(failureMessage(tests.tests[1]), {
      message: tests.tests[1].message,
      actual: '(number) 5',
      expected: '(number) 4',
      uri: S,
      line: 11,
    });
    assert.deepEqual(parseAssertionDiff('Expected objects to be the same.\nPassed in:\n(table: 0x1) {\n  [1] = 1 }\nExpected:\n(table: 0x2) {\n  [1] = 2 }\n'), {
      actual: '(table: 0x1) {\n  [1] = 1 }',
      expected: '(table: 0x2) {\n  [1] = 2 }',
    });
    assert.equal(parseAssertionDiff('attempt to index a nil value'), undefined);
  });

  it('prefers explicit expected/actual and locates failures without failUri at the test', () => {
    const f = failureMessage({ ...tests.tests[3], expected: '1', actual: '2' });
    assert.deepEqual(f, { message: 'oops', expected: '1', actual: '2', uri: undefined, line: 14 });
  });
});

describe('coverage for the Testing view', () => {
  it('lists every executable line with its hits', () => {
    const p = cov({ covered: [[0, 1], [3, 12]], uncovered: [5, 6], partial: [3] });
    assert.deepEqual(statements(p), [
      { line: 0, hits: 1 },
      { line: 3, hits: 12 },
      { line: 5, hits: 0 },
      { line: 6, hits: 0 },
    ]);
    assert.deepEqual(lineTotals(p), { covered: 2, total: 4 });
  });

  it('maps per-test coverage to files and lines', () => {
    const a = { files: [{ uri: URI, lines: [3, 0, 3] }, { uri: 'file:///p/src/x.lua', lines: [] }] };
    const b = { files: [{ uri: URI, lines: [1] }] };
    assert.deepEqual(testLines(a, URI), [0, 3]);
    assert.deepEqual(testLines(a, 'file:///other'), []);
    assert.deepEqual(
      [...testsByFile(new Map([['t1', a], ['t2', b]]))],
      [[URI, ['t1', 't2']]],
    );
  });
});

describe('settings', () => {
  it('nests dotted keys and adds runTests', () => {
    const given: Record<string, unknown> = { debounceMs: 300, 'diagnostics.uncovered': 'warning', workers: 'bad' };
    assert.deepEqual(serverSettings((k) => given[k], false), {
      runTests: false,
      runOnSave: true,
      runOnType: false,
      debounceMs: 300,
      workers: 0,
      timeoutMs: 10000,
      diagnostics: { uncovered: 'warning', failures: true, unnecessary: false },
      gutter: { enabled: true, lineBackground: false, overviewRuler: true },
    });
  });
});
