// testing.ts: the Testing view. A TestController whose tree is fed by
// `livecov/tests` (spec file → describe → it) and whose Run and Coverage
// profiles ask the server to run spec files, wait for it with `livecov/sync`,
// then report results and FileCoverage (statement = line, with hit counts).

import * as vscode from 'vscode';
import {
  CoverageParams,
  RunFinishedParams,
  SummaryParams,
  TestCoverageResult,
  TestsParams,
  TreeNode,
  buildTestTree,
  failureMessage,
  fileLabel,
  lineTotals,
  outcome,
  statements,
  testLines,
  testsByFile,
} from './model';

/** What the Testing view needs from the server (see extension.ts). */
export interface Server {
  executeCommand(command: string, args?: unknown[]): Promise<unknown>;
  sync(): Promise<void>;
  testCoverage(id: string): Promise<TestCoverageResult>;
  fileCoverage(uri: string): Promise<CoverageParams | undefined>;
  summary(): Promise<SummaryParams | undefined>;
}

/** Asking for per-test coverage costs one request per test; above this, skip it. */
const MAX_PER_TEST_REQUESTS = 2000;

const norm = (uri: string): string => vscode.Uri.parse(uri).toString();

/** A continuous run ("watch"): reported again after every server run. */
interface Watch {
  request: vscode.TestRunRequest;
  coverage: boolean;
}

class LivecovFileCoverage extends vscode.FileCoverage {
  /** The file's `livecov/coverage` data when the run ended. */
  params?: CoverageParams;
  /** Per-test coverage of this run, by test id. */
  perTest?: Map<string, TestCoverageResult>;
}

export class Testing implements vscode.Disposable {
  readonly controller: vscode.TestController;
  /** Test tree nodes by TestItem, for results and describe blocks. */
  private nodes = new WeakMap<vscode.TestItem, TreeNode>();
  private watches = new Set<Watch>();
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * @param server the running server, if any
   * @param latest the last `livecov/coverage` of a file, used when the
   *   server cannot answer `livecov/fileCoverage`
   */
  constructor(
    private readonly server: () => Server | undefined,
    private readonly latest: (uri: vscode.Uri) => CoverageParams | undefined,
  ) {
    this.controller = vscode.tests.createTestController('livecov', 'livecov');
    this.controller.refreshHandler = async () => {
      const s = this.server();
      if (!s) return;
      await s.executeCommand('livecov.runAll');
      await s.sync();
    };
    const run = this.controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      (req, token) => this.run(req, token, false),
      true,
      undefined,
      true,
    );
    const cov = this.controller.createRunProfile(
      'Coverage',
      vscode.TestRunProfileKind.Coverage,
      (req, token) => this.run(req, token, true),
      true,
      undefined,
      true,
    );
    cov.loadDetailedCoverage = (_run, fc, token) => this.details(fc, token);
    cov.loadDetailedCoverageForTest = (_run, fc, item, token) => this.detailsForTest(fc, item, token);
    this.disposables.push(this.controller, run, cov);
  }

  // {====== Tree ======

  /** A `livecov/tests` notification: replaces that spec file's subtree. */
  update(p: TestsParams): void {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    const uri = norm(p.uri);
    const tree = buildTestTree({ ...p, uri }, fileLabel(uri, roots));
    if (p.tests.length === 0) {
      this.controller.items.delete(tree.id);
      return;
    }
    const item = this.syncItem(this.controller.items, tree);
    this.controller.items.add(item);
  }

  /** Forgets every test, e.g. when the server restarts. */
  clear(): void {
    this.controller.items.replace([]);
  }

  /** The item for `node` in `collection`, reused when it exists so its identity survives runs. */
  private syncItem(collection: vscode.TestItemCollection, node: TreeNode): vscode.TestItem {
    const uri = vscode.Uri.parse(node.uri);
    let item = collection.get(node.id);
    if (!item) item = this.controller.createTestItem(node.id, node.label, uri);
    item.label = node.label;
    item.range = node.line !== undefined ? new vscode.Range(node.line, 0, node.line, 0) : undefined;
    this.nodes.set(item, node);
    const children = node.children.map((child) => this.syncItem(item!.children, child));
    item.children.replace(children);
    return item;
  }

  private leafItems(item: vscode.TestItem, excluded: ReadonlySet<vscode.TestItem>, out: vscode.TestItem[]): void {
    if (excluded.has(item)) return;
    if (this.nodes.get(item)?.kind === 'test') {
      out.push(item);
      return;
    }
    item.children.forEach((child) => this.leafItems(child, excluded, out));
  }

  private specOf(item: vscode.TestItem): vscode.TestItem {
    let top = item;
    while (top.parent) top = top.parent;
    return top;
  }

  // }======

  // {====== Runs ======

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, coverage: boolean): Promise<void> {
    if (request.continuous) {
      // livecov already reruns on save: watching only means reporting
      // each of those runs here, until the user turns it off.
      const watch: Watch = { request, coverage };
      this.watches.add(watch);
      token.onCancellationRequested(() => this.watches.delete(watch));
      return;
    }
    const server = this.server();
    const run = this.controller.createTestRun(request);
    try {
      if (!server) {
        run.appendOutput('livecov: the server is not running\r\n');
        return;
      }
      const excluded = new Set(request.exclude ?? []);
      const before: vscode.TestItem[] = [];
      const include = request.include ?? [...this.topItems()];
      for (const item of include) this.leafItems(item, excluded, before);
      for (const item of before) run.started(item);

      if (!request.include) {
        await server.executeCommand('livecov.runAll');
      } else {
        const specs = new Set(request.include.map((i) => this.specOf(i).id));
        for (const uri of specs) await server.executeCommand('livecov.runFile', [uri]);
      }
      await server.sync();
      if (token.isCancellationRequested) return;

      // The notifications that arrived before the sync answer updated the
      // items in place; a run of everything also picks up new spec files.
      const after: vscode.TestItem[] = [];
      for (const item of request.include ?? [...this.topItems()]) this.leafItems(item, excluded, after);
      for (const item of after) this.report(run, item);
      if (coverage) await this.addCoverage(run, server, after, token);
    } catch (err) {
      run.appendOutput(`livecov: ${err instanceof Error ? err.message : String(err)}\r\n`);
    } finally {
      run.end();
    }
  }

  /** `livecov/runFinished`: report the spec files it ran to every watch. */
  async runFinished(p: RunFinishedParams): Promise<void> {
    if (this.watches.size === 0 || p.cancelled) return;
    const specs = new Set(p.specs.map(norm));
    for (const watch of [...this.watches]) {
      const excluded = new Set(watch.request.exclude ?? []);
      const tests: vscode.TestItem[] = [];
      for (const item of watch.request.include ?? [...this.topItems()]) {
        if (specs.has(this.specOf(item).id)) this.leafItems(item, excluded, tests);
      }
      if (tests.length === 0) continue;
      const run = this.controller.createTestRun(watch.request);
      try {
        for (const item of tests) this.report(run, item);
        const server = this.server();
        if (watch.coverage && server) {
          const cts = new vscode.CancellationTokenSource();
          await this.addCoverage(run, server, tests, cts.token);
          cts.dispose();
        }
      } finally {
        run.end();
      }
    }
  }

  private *topItems(): Iterable<vscode.TestItem> {
    const items: vscode.TestItem[] = [];
    this.controller.items.forEach((i) => items.push(i));
    yield* items;
  }

  private report(run: vscode.TestRun, item: vscode.TestItem): void {
    const node = this.nodes.get(item);
    const result = node?.result;
    if (!node || !result) {
      run.skipped(item);
      return;
    }
    const duration = result.durationMs;
    const name = [...(result.path ?? [result.label])].join(' ');
    const ms = duration !== undefined ? ` (${duration.toFixed(1)} ms)` : '';
    const mark = { passed: '\u2713', failed: '\u2717', errored: '\u2717', skipped: '-' }[outcome(result.status)];
    run.appendOutput(`${mark} ${name}${ms}\r\n`);
    switch (outcome(result.status)) {
      case 'passed':
        run.passed(item, duration);
        break;
      case 'skipped':
        run.skipped(item);
        break;
      case 'failed':
      case 'errored': {
        const f = failureMessage(result);
        run.appendOutput(`    ${f.message.split('\n').join('\r\n    ')}\r\n`);
        const msg =
          f.expected !== undefined && f.actual !== undefined
            ? vscode.TestMessage.diff(f.message, f.expected, f.actual)
            : new vscode.TestMessage(f.message);
        if (f.line !== undefined) {
          const uri = vscode.Uri.parse(f.uri ?? node.uri);
          msg.location = new vscode.Location(uri, new vscode.Position(f.line, 0));
        }
        if (result.status === 'error') run.errored(item, msg, duration);
        else run.failed(item, msg, duration);
        break;
      }
    }
  }

  // }======

  // {====== Coverage ======

  private async addCoverage(
    run: vscode.TestRun,
    server: Server,
    tests: vscode.TestItem[],
    token: vscode.CancellationToken,
  ): Promise<void> {
    const summary = await server.summary();
    if (!summary || token.isCancellationRequested) return;

    const perTest = new Map<string, TestCoverageResult>();
    const itemsById = new Map<string, vscode.TestItem>();
    if (tests.length <= MAX_PER_TEST_REQUESTS) {
      const queue = [...tests];
      const worker = async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const id = this.nodes.get(item)?.result?.id ?? item.id;
          try {
            const r = await server.testCoverage(id);
            perTest.set(item.id, { files: (r?.files ?? []).map((f) => ({ uri: norm(f.uri), lines: f.lines })) });
            itemsById.set(item.id, item);
          } catch {
            // Per-test coverage is optional; the file totals still show.
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    }
    const byFile = testsByFile(perTest);

    for (const f of summary.perFile) {
      if (token.isCancellationRequested) return;
      const uri = norm(f.uri);
      let params: CoverageParams | undefined;
      try {
        params = (await server.fileCoverage(f.uri)) ?? undefined;
      } catch {
        params = undefined;
      }
      params ??= this.latest(vscode.Uri.parse(uri));
      const totals = params ? lineTotals(params) : { covered: f.hit, total: f.lines };
      const includes = (byFile.get(uri) ?? []).map((id) => itemsById.get(id)!).filter(Boolean);
      const fc = new LivecovFileCoverage(
        vscode.Uri.parse(uri),
        new vscode.TestCoverageCount(totals.covered, totals.total),
        undefined,
        undefined,
        includes.length > 0 ? includes : undefined,
      );
      fc.params = params;
      fc.perTest = perTest;
      run.addCoverage(fc);
    }
  }

  private async details(fc: vscode.FileCoverage, token: vscode.CancellationToken): Promise<vscode.FileCoverageDetail[]> {
    let params = fc instanceof LivecovFileCoverage ? fc.params : undefined;
    if (!params) params = (await this.server()?.fileCoverage(fc.uri.toString())) ?? this.latest(fc.uri);
    if (!params || token.isCancellationRequested) return [];
    return statements(params).map((s) => new vscode.StatementCoverage(s.hits, new vscode.Position(s.line, 0)));
  }

  private async detailsForTest(
    fc: vscode.FileCoverage,
    item: vscode.TestItem,
    token: vscode.CancellationToken,
  ): Promise<vscode.FileCoverageDetail[]> {
    let r = fc instanceof LivecovFileCoverage ? fc.perTest?.get(item.id) : undefined;
    if (!r) {
      const id = this.nodes.get(item)?.result?.id ?? item.id;
      const got = await this.server()?.testCoverage(id);
      if (got) r = { files: (got.files ?? []).map((f) => ({ uri: norm(f.uri), lines: f.lines })) };
    }
    if (!r || token.isCancellationRequested) return [];
    return testLines(r, fc.uri.toString()).map((line) => new vscode.StatementCoverage(true, new vscode.Position(line, 0)));
  }

  // }======

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
