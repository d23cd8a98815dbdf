// model.ts: the livecov editor contract (ARCHITECTURE.md, "LSP extensions")
// turned into plain data: line marks for the gutter, their shifting on edits,
// the status bar text, the test tree and coverage statements.
// Pure: no `vscode` import, so every mapping here is unit-tested in node.

// {====== Payloads (server -> client); all lines are 0-based ======

export interface CoverageParams {
  uri: string;
  /** LSP document version the lines refer to; null: the file on disk. */
  version: number | null;
  stale: boolean;
  /** [line, hits] pairs, ascending. */
  covered: [number, number][];
  uncovered: number[];
  partial: number[];
  failed: { line: number; message: string }[];
}

export interface TestCounts {
  success: number;
  failure: number;
  error: number;
  pending: number;
}

export interface FileSummary {
  uri: string;
  lines: number;
  hit: number;
  percent: number;
}

export interface SummaryParams {
  files: number;
  lines: number;
  hit: number;
  percent: number;
  tests: TestCounts;
  running: boolean;
  disabled: boolean;
  perFile: FileSummary[];
}

export type TestStatus = 'success' | 'failure' | 'error' | 'pending';

export interface TestResult {
  id: string;
  label: string;
  path: string[];
  line: number;
  status: TestStatus;
  message?: string;
  failUri?: string;
  failLine?: number;
  durationMs?: number;
  /** Optional, when the server can tell them apart from the message. */
  expected?: string;
  actual?: string;
}

export interface TestsParams {
  uri: string;
  tests: TestResult[];
}

export interface RunStartedParams {
  id: number;
  reason: string;
  specs: string[];
}

export interface RunFinishedParams {
  id: number;
  specs: string[];
  durationMs: number;
  cancelled: boolean;
}

export interface TestCoverageResult {
  files: { uri: string; lines: number[] }[];
}

// }======

// {====== Settings ======

export type UncoveredSeverity = 'hint' | 'information' | 'warning' | 'error' | 'off';

/**
 * Settings of section `livecov` that are sent to the server, with their
 * defaults (package.json declares the same keys and defaults; a unit test
 * checks they agree). `path` and `trace.server` stay in the client.
 */
export const SERVER_SETTING_DEFAULTS = {
  runOnSave: true,
  runOnType: false,
  debounceMs: 150,
  workers: 0,
  timeoutMs: 10000,
  'diagnostics.uncovered': 'hint' as UncoveredSeverity,
  'diagnostics.failures': true,
  'diagnostics.unnecessary': false,
  'gutter.enabled': true,
  'gutter.lineBackground': false,
  'gutter.overviewRuler': true,
} as const;

export type ServerSettingKey = keyof typeof SERVER_SETTING_DEFAULTS;

/**
 * The settings object for `initializationOptions` and
 * `workspace/didChangeConfiguration` (`settings.livecov`): dotted keys become
 * nested objects, as `workspace.getConfiguration('livecov')` shows them, and
 * `runTests` says whether the workspace is trusted.
 */
export function serverSettings(
  get: (key: ServerSettingKey) => unknown,
  trusted: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = { runTests: trusted };
  for (const key of Object.keys(SERVER_SETTING_DEFAULTS) as ServerSettingKey[]) {
    let value = get(key);
    const fallback = SERVER_SETTING_DEFAULTS[key];
    if (typeof value !== typeof fallback) value = fallback;
    const parts = key.split('.');
    let obj = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof obj[part] !== 'object' || obj[part] === null) obj[part] = {};
      obj = obj[part] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1]] = value;
  }
  return out;
}

// }======

// {====== Line marks (gutter) ======

export type MarkKind = 'covered' | 'uncovered' | 'partial' | 'failed';
export const MARK_KINDS: readonly MarkKind[] = ['covered', 'uncovered', 'partial', 'failed'];

export interface LineMark {
  line: number;
  kind: MarkKind;
  /** Hook hits of the line (0 when uncovered or unknown). */
  hits: number;
  /** Failure messages, for kind `failed`. */
  messages?: string[];
}

/** The marks of one file: at most one per line, ascending by line. */
export interface FileMarks {
  uri: string;
  stale: boolean;
  marks: LineMark[];
}

const PRIORITY: Record<MarkKind, number> = { covered: 0, uncovered: 1, partial: 2, failed: 3 };

/**
 * One mark per line from a `livecov/coverage` payload. When a line is in
 * several lists the strongest wins: failed > partial > uncovered > covered;
 * the hit count is kept whatever the kind.
 */
export function marksFromCoverage(p: CoverageParams): FileMarks {
  const byLine = new Map<number, LineMark>();
  const put = (line: number, kind: MarkKind): LineMark | undefined => {
    if (!Number.isInteger(line) || line < 0) return undefined;
    const old = byLine.get(line);
    if (!old) {
      const mark: LineMark = { line, kind, hits: 0 };
      byLine.set(line, mark);
      return mark;
    }
    if (PRIORITY[kind] > PRIORITY[old.kind]) old.kind = kind;
    return old;
  };
  for (const [line, hits] of p.covered ?? []) {
    const m = put(line, hits > 0 ? 'covered' : 'uncovered');
    if (m) m.hits = Math.max(m.hits, hits);
  }
  for (const line of p.uncovered ?? []) put(line, 'uncovered');
  for (const line of p.partial ?? []) put(line, 'partial');
  for (const f of p.failed ?? []) {
    const m = put(f.line, 'failed');
    if (m) (m.messages ??= []).push(f.message);
  }
  const marks = [...byLine.values()].sort((a, b) => a.line - b.line);
  return { uri: p.uri, stale: !!p.stale, marks };
}

/** Name of the decoration type that draws a mark: `uncovered`, `stale-uncovered`... */
export type DecorationKey = MarkKind | `stale-${MarkKind}`;

export function decorationKey(kind: MarkKind, stale: boolean): DecorationKey {
  return stale ? `stale-${kind}` : kind;
}

export const DECORATION_KEYS: readonly DecorationKey[] = MARK_KINDS.flatMap((k) => [
  decorationKey(k, false),
  decorationKey(k, true),
]);

/**
 * Groups marks by decoration type. Lines at or past `lineCount` (when given)
 * are dropped: the document is shorter than the data. Every key is present.
 */
export function decorationLines(fm: FileMarks, lineCount?: number): Map<DecorationKey, LineMark[]> {
  const out = new Map<DecorationKey, LineMark[]>(DECORATION_KEYS.map((k) => [k, []]));
  for (const m of fm.marks) {
    if (lineCount !== undefined && m.line >= lineCount) continue;
    out.get(decorationKey(m.kind, fm.stale))!.push(m);
  }
  return out;
}

// }======

// {====== Following edits ======

/** One content change, in the coordinates of the text before it. */
export interface TextChange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  text: string;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Where a line's mark goes after one change, or undefined when its line was
 * deleted. A mark follows the text that starts its line:
 * - lines above the change stay;
 * - lines below it move by the change's line delta;
 * - lines joined into the first line of the change disappear;
 * - a change that starts and ends at column 0 leaves its first line intact
 *   only if nothing was deleted from it, so whole-line deletions drop their
 *   marks and insertions above a line push it down.
 */
export function shiftLine(line: number, c: TextChange): number | undefined {
  const delta = newlines(c.text) - (c.endLine - c.startLine);
  if (line < c.startLine) return line;
  if (c.startCharacter === 0 && c.endCharacter === 0) {
    // Whole lines [startLine, endLine) were replaced; endLine moves.
    if (line < c.endLine) return undefined;
    return line + delta;
  }
  if (line === c.startLine) return line;
  if (line <= c.endLine) return undefined;
  return line + delta;
}

/**
 * The marks after a list of changes given as one editor event (all in the
 * coordinates of the text before the event, as VS Code reports them). Any
 * change makes the marks stale. Marks that land on the same line keep the
 * strongest.
 */
export function applyChanges(fm: FileMarks, changes: readonly TextChange[]): FileMarks {
  if (changes.length === 0) return fm;
  // Bottom-up, so each change sees the coordinates it was given in.
  const ordered = [...changes].sort(
    (a, b) => b.startLine - a.startLine || b.startCharacter - a.startCharacter,
  );
  let marks = fm.marks;
  for (const c of ordered) {
    const next = new Map<number, LineMark>();
    for (const m of marks) {
      const line = shiftLine(m.line, c);
      if (line === undefined) continue;
      const old = next.get(line);
      if (!old || PRIORITY[m.kind] > PRIORITY[old.kind]) next.set(line, { ...m, line });
    }
    marks = [...next.values()].sort((a, b) => a.line - b.line);
  }
  return { uri: fm.uri, stale: true, marks };
}

/**
 * The edits of one open document by version, so coverage computed for an
 * older version can be carried forward to the text shown now. Keeps at most
 * `limit` versions; older data can no longer be shifted.
 */
export class EditLog {
  private entries: { version: number; changes: TextChange[] }[] = [];
  constructor(private readonly limit = 500) {}

  /** Records the changes that produced `version`. */
  record(version: number, changes: TextChange[]): void {
    this.entries.push({ version, changes });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /**
   * The change events that turn version `from` into the newest one, oldest
   * first: [] when `from` is current; undefined when they are no longer known.
   */
  since(from: number): TextChange[][] | undefined {
    const idx = this.entries.findIndex((e) => e.version > from);
    if (idx < 0) return [];
    if (this.entries[idx].version !== from + 1) return undefined;
    return this.entries.slice(idx).map((e) => e.changes);
  }

  /** Forgets versions up to and including `version`. */
  forgetThrough(version: number): void {
    this.entries = this.entries.filter((e) => e.version > version);
  }
}

/**
 * The marks to draw for coverage `p` on a document whose edits since
 * `baseVersion` (the version `p` describes) are `events`; `undefined` events
 * mean the edits are unknown, so the marks are drawn stale where they were.
 */
export function currentMarks(p: CoverageParams, events: TextChange[][] | undefined): FileMarks {
  let fm = marksFromCoverage(p);
  if (events === undefined) return { ...fm, stale: true };
  for (const changes of events) fm = applyChanges(fm, changes);
  return fm;
}

// }======

// {====== Status bar ======

export interface StatusInput {
  summary?: SummaryParams;
  /** A run is in flight (runStarted without runFinished). */
  running: boolean;
  trusted: boolean;
  /** The server could not be started: the reason. */
  error?: string;
  /** In a multi-root workspace: the label of the folder this state is of. */
  folder?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** For screen readers (and the end-to-end test): the text without icons. */
  label: string;
}

export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  const r = Math.round(p * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)}%`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function baseName(uri: string): string {
  const i = uri.lastIndexOf('/');
  return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri);
}

/**
 * Status bar text: `$(beaker) 88.2% $(pass) 40 $(error) 1` (codicons), with
 * a spinner while running; failures count failed and errored tests. With
 * `folder` (multi-root workspaces) the folder's label follows the icon and
 * the accessible label reads `livecov: <folder>: 88.2% covered, ...`.
 */
export function statusView(s: StatusInput): StatusView {
  // In a multi-root workspace the item shows one folder: say which.
  const who = s.folder !== undefined ? `livecov (${s.folder})` : 'livecov';
  const at = s.folder !== undefined ? `${s.folder}: ` : '';
  if (s.error) {
    return { text: `$(error) ${who}`, tooltip: `${who}: ${s.error}`, label: `livecov: ${at}${s.error}` };
  }
  if (!s.trusted || s.summary?.disabled) {
    return {
      text: '$(workspace-untrusted) livecov: tests off',
      tooltip:
        'livecov runs no code in an untrusted workspace: no spec file is run and no coverage is collected. ' +
        'Trust the workspace to turn live coverage on.',
      label: 'livecov: tests off in an untrusted workspace',
    };
  }
  const icon = s.running || s.summary?.running ? '$(sync~spin)' : '$(beaker)';
  const sum = s.summary;
  if (!sum) {
    return {
      text: `${icon} ${who}`,
      tooltip: `${who}: waiting for the first run`,
      label: `livecov: ${at}waiting`,
    };
  }
  const failed = sum.tests.failure + sum.tests.error;
  const parts = [icon];
  if (s.folder !== undefined) parts.push(`${s.folder}:`);
  parts.push(sum.lines > 0 ? formatPercent(sum.percent) : 'no lines', `$(pass) ${sum.tests.success}`);
  if (failed > 0 || sum.tests.success === 0) parts.push(`$(error) ${failed}`);
  if (sum.tests.pending > 0) parts.push(`$(circle-slash) ${sum.tests.pending}`);
  const lines = [
    `${who}: ${sum.hit} of ${plural(sum.lines, 'line')} covered in ${plural(sum.files, 'file')}` +
      (sum.lines > 0 ? ` (${formatPercent(sum.percent)})` : ''),
    `Tests: ${sum.tests.success} passed, ${sum.tests.failure} failed, ` +
      `${plural(sum.tests.error, 'error')}, ${sum.tests.pending} pending`,
  ];
  const least = sum.perFile.filter((f) => f.lines > 0).slice(0, 3);
  if (least.length > 0) {
    lines.push(`Least covered: ${least.map((f) => `${baseName(f.uri)} ${formatPercent(f.percent)}`).join(', ')}`);
  }
  if (s.folder !== undefined) lines.push('One server per workspace folder; the status bar follows the active editor');
  lines.push('Click to open the Testing view');
  const label =
    `livecov: ${at}${sum.lines > 0 ? formatPercent(sum.percent) : 'no lines'} covered, ` +
    `${sum.tests.success} passed, ${failed} failed, ${sum.tests.pending} pending` +
    (s.running || sum.running ? ', running' : '');
  return { text: parts.join(' '), tooltip: lines.join('\n'), label };
}

// }======

// {====== Test tree ======

export type NodeKind = 'file' | 'describe' | 'test';

export interface TreeNode {
  /** Unique among its siblings, stable across runs. */
  id: string;
  label: string;
  kind: NodeKind;
  /** The spec file. */
  uri: string;
  /** 0-based line of the `it` (or of the first test of a describe). */
  line?: number;
  children: TreeNode[];
  /** For tests: the last result. */
  result?: TestResult;
}

/** Id of the describe block `path` in spec file `uri`. */
export function describeId(uri: string, path: readonly string[]): string {
  return `describe:${uri}::${path.join(' ')}`;
}

/** The label of a spec file: its path below the first root that holds it. */
export function fileLabel(uri: string, roots: readonly string[]): string {
  for (const root of roots) {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (uri.startsWith(prefix)) return decodeURIComponent(uri.slice(prefix.length));
  }
  return baseName(uri);
}

/**
 * The tree of one spec file: file → describe blocks → tests, in the order
 * the tests ran. A test keeps the server's id (the key of
 * `livecov/testCoverage`); a duplicate name among siblings gets `#2`, `#3`.
 */
export function buildTestTree(p: TestsParams, label: string): TreeNode {
  const root: TreeNode = { id: p.uri, label, kind: 'file', uri: p.uri, children: [] };
  const uniqueId = (parent: TreeNode, id: string): string => {
    let candidate = id;
    for (let n = 2; parent.children.some((c) => c.id === candidate); n++) candidate = `${id}#${n}`;
    return candidate;
  };
  for (const t of p.tests) {
    const path = t.path && t.path.length > 0 ? t.path : [t.label];
    let parent = root;
    for (let depth = 0; depth < path.length - 1; depth++) {
      const id = describeId(p.uri, path.slice(0, depth + 1));
      let node = parent.children.find((c) => c.id === id && c.kind === 'describe');
      if (!node) {
        node = { id, label: path[depth], kind: 'describe', uri: p.uri, line: t.line, children: [] };
        parent.children.push(node);
      } else if (node.line === undefined || (t.line !== undefined && t.line < node.line)) {
        node.line = t.line;
      }
      parent = node;
    }
    parent.children.push({
      id: uniqueId(parent, t.id),
      label: t.label || path[path.length - 1],
      kind: 'test',
      uri: p.uri,
      line: t.line,
      children: [],
      result: t,
    });
  }
  return root;
}

/** Every test (leaf) under a node, depth first. */
export function leaves(n: TreeNode): TreeNode[] {
  if (n.kind === 'test') return [n];
  return n.children.flatMap(leaves);
}

export type Outcome = 'passed' | 'failed' | 'errored' | 'skipped';

export function outcome(status: TestStatus): Outcome {
  switch (status) {
    case 'success':
      return 'passed';
    case 'failure':
      return 'failed';
    case 'error':
      return 'errored';
    default:
      return 'skipped';
  }
}

export interface FailureMessage {
  message: string;
  expected?: string;
  actual?: string;
  /** The file of the failure; undefined: the test's spec file. */
  uri?: string;
  line?: number;
}

/**
 * Splits a luassert message ("Expected objects to be equal.\nPassed in:\n
 * (number) 5\nExpected:\n(number) 4") into its actual and expected values,
 * so the Testing view can show a diff.
 */
export function parseAssertionDiff(message: string): { expected: string; actual: string } | undefined {
  const m = /(?:^|\n)Passed in:\n([\s\S]*?)\nExpected:\n([\s\S]*?)\s*$/.exec(message);
  if (!m) return undefined;
  return { actual: m[1].trimEnd(), expected: m[2].trimEnd() };
}

/** What the Testing view shows for a failed or errored test. */
export function failureMessage(t: TestResult): FailureMessage {
  const message = t.message ?? (t.status === 'error' ? 'error' : 'failed');
  const out: FailureMessage = { message };
  if (t.expected !== undefined && t.actual !== undefined) {
    out.expected = t.expected;
    out.actual = t.actual;
  } else {
    const diff = parseAssertionDiff(message);
    if (diff) Object.assign(out, diff);
  }
  // Without failUri the failure is located at the test in its spec file.
  out.uri = t.failUri ?? undefined;
  out.line = t.failLine ?? t.line;
  return out;
}

// }======

// {====== Coverage for the Testing view ======

export interface LineCount {
  line: number;
  /** Hits; 0 = not covered. */
  hits: number;
}

/** Every executable line of a file with its hits, ascending. */
export function statements(p: CoverageParams): LineCount[] {
  const byLine = new Map<number, number>();
  for (const [line, hits] of p.covered ?? []) byLine.set(line, Math.max(byLine.get(line) ?? 0, hits));
  for (const line of p.uncovered ?? []) if (!byLine.has(line)) byLine.set(line, 0);
  for (const line of p.partial ?? []) if (!byLine.has(line)) byLine.set(line, 1);
  return [...byLine.entries()].map(([line, hits]) => ({ line, hits })).sort((a, b) => a.line - b.line);
}

/** Covered and total executable lines of a file. */
export function lineTotals(p: CoverageParams): { covered: number; total: number } {
  const s = statements(p);
  return { covered: s.filter((x) => x.hits > 0).length, total: s.length };
}

/** The lines test coverage result `r` has for file `uri`. */
export function testLines(r: TestCoverageResult, uri: string): number[] {
  const lines = new Set<number>();
  for (const f of r.files ?? []) if (f.uri === uri) for (const l of f.lines) lines.add(l);
  return [...lines].sort((a, b) => a - b);
}

/** File uri → ids of the tests that ran a line of it. */
export function testsByFile(results: ReadonlyMap<string, TestCoverageResult>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, r] of results) {
    for (const f of r.files ?? []) {
      if (!f.lines || f.lines.length === 0) continue;
      const ids = out.get(f.uri) ?? [];
      if (!ids.includes(id)) ids.push(id);
      out.set(f.uri, ids);
    }
  }
  return out;
}

// }======
