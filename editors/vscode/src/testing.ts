// testing.ts: the Testing view. A TestController whose tree is fed by
// `livecov/tests` (spec file → describe → it) and whose Run and Coverage
// profiles ask the server to run spec files, wait for it with `livecov/sync`,
// then report results and FileCoverage (statement = line, with hit counts).
//
// Multi-root workspaces: one controller for every folder's server, with a
// top-level item per served folder (folder → spec file → describe → it)
// when more than one folder is served; with one, spec files are the top
// level as they always were. One controller, so that "Run All" and "Run
// with Coverage" are one test run whose coverage report holds the files of
// every folder (the Test Coverage view shows one run at a time), and a run
// of a folder item runs that folder's specs on that folder's server.

import * as vscode from 'vscode';
import { contains, ownerOf } from './folders';
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

/** A served workspace folder and its server (undefined while it is not running). */
export interface FolderServer {
  /** The folder's URI (`vscode.Uri.toString()`). */
  key: string;
  /** Its label (the folder's name, unique). */
  label: string;
  server?: Server;
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
  /** The last `livecov/tests` of each spec file, by folder: the tree is rebuilt from them on relayout. */
  private specs = new Map<string, Map<string, TestsParams>>();
  /** Folder items (multi-root, more than one folder served), by folder key. */
  private folderItems = new Map<string, vscode.TestItem>();

  /**
   * @param folders the served folders, in workspace order, with their running servers
   * @param latest the last `livecov/coverage` of a file, used when the
   *   server cannot answer `livecov/fileCoverage`
   */
  constructor(
    private readonly folders: () => FolderServer[],
    private readonly latest: (uri: vscode.Uri) => CoverageParams | undefined,
  ) {
    this.controller = vscode.tests.createTestController('livecov', 'livecov');
    this.controller.refreshHandler = async () => {
      const servers = this.folders().flatMap((f) => (f.server ? [f.server] : []));
      await Promise.all(servers.map((s) => s.executeCommand('livecov.runAll')));
      await Promise.all(servers.map((s) => s.sync()));
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

  /**
   * A `livecov/tests` notification from the server of folder `folder`:
   * replaces that spec file's subtree.
   */
  update(folder: string, p: TestsParams): void {
    const uri = norm(p.uri);
    let specs = this.specs.get(folder);
    if (!specs) this.specs.set(folder, (specs = new Map()));
    if (p.tests.length === 0) specs.delete(uri);
    else specs.set(uri, { ...p, uri });
    this.place(folder, uri);
  }

  /**
   * The served folders changed: drops the tests of folders no longer
   * served and, when the layout changes (one folder: spec files at the top;
   * several: one item per folder), rebuilds the tree.
   */
  layout(): void {
    const folders = this.folders();
    const keys = new Set(folders.map((f) => f.key));
    for (const key of [...this.specs.keys()]) if (!keys.has(key)) this.specs.delete(key);
    const grouped = folders.length > 1;
    const same =
      grouped === (this.folderItems.size > 0) &&
      (!grouped || (folders.length === this.folderItems.size && folders.every((f) => this.folderItems.has(f.key))));
    if (same) {
      // Same layout: only the labels may have changed, and a single folder may have been swapped.
      for (const f of folders) {
        const item = this.folderItems.get(f.key);
        if (item) item.label = f.label;
      }
      if (!grouped) {
        for (const item of [...this.topItems()]) {
          if (!keys.has(this.folderOf(item) ?? '')) this.controller.items.delete(item.id);
        }
      }
      return;
    }
    this.controller.items.replace([]);
    this.folderItems.clear();
    if (grouped) {
      for (const f of folders) {
        const item = this.controller.createTestItem(`folder:${f.key}`, f.label, vscode.Uri.parse(f.key));
        this.folderItems.set(f.key, item);
        this.controller.items.add(item);
      }
    }
    for (const [folder, specs] of this.specs) for (const uri of specs.keys()) this.place(folder, uri);
  }

  /** Forgets every test, or those of one folder, e.g. when its server restarts. */
  clear(folder?: string): void {
    if (folder === undefined) {
      this.specs.clear();
      this.controller.items.replace([...this.folderItems.values()]);
      for (const item of this.folderItems.values()) item.children.replace([]);
      return;
    }
    this.specs.delete(folder);
    const items = this.folderItems.get(folder);
    if (items) {
      items.children.replace([]);
      return;
    }
    // One folder at the top: its items are its spec files (the folder may no longer be served).
    for (const item of [...this.topItems()]) if (contains(folder, item.id)) this.controller.items.delete(item.id);
  }

  /** Puts spec file `uri` of `folder` in the tree as its last `livecov/tests` says (or takes it out). */
  private place(folder: string, uri: string): void {
    const grouped = this.folderItems.size > 0;
    const collection = grouped ? this.folderItems.get(folder)?.children : this.controller.items;
    // A folder that is no longer (or not yet) served.
    if (!collection) return;
    const p = this.specs.get(folder)?.get(uri);
    if (!p) {
      collection.delete(uri);
      return;
    }
    const labelRoots = [folder, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString())];
    const tree = buildTestTree(p, fileLabel(uri, grouped ? [folder] : labelRoots));
    collection.add(this.syncItem(collection, tree));
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

  /** The spec file item `item` is in (or is); undefined for a folder item. */
  private specOf(item: vscode.TestItem): vscode.TestItem | undefined {
    for (let i: vscode.TestItem | undefined = item; i; i = i.parent) {
      if (this.nodes.get(i)?.kind === 'file') return i;
    }
    return undefined;
  }

  /** The key of the served folder `item` belongs to. */
  private folderOf(item: vscode.TestItem): string | undefined {
    let top = item;
    while (top.parent) top = top.parent;
    for (const [key, folderItem] of this.folderItems) if (folderItem === top) return key;
    return this.ownerOf(top.id)?.key;
  }

  /** The served folder of a file URI. */
  private ownerOf(uri: string): FolderServer | undefined {
    return ownerOf(
      norm(uri),
      this.folders().map((f) => ({ ...f, uri: f.key })),
    );
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
    const run = this.controller.createTestRun(request);
    try {
      const folders = this.folders();
      // What runs where: by folder, every spec file ('all') or some.
      const plan = new Map<string, 'all' | Set<string>>();
      if (!request.include) {
        for (const f of folders) plan.set(f.key, 'all');
      } else {
        for (const item of request.include) {
          const folder = this.folderOf(item);
          if (folder === undefined) continue;
          const spec = this.specOf(item);
          const specs = plan.get(folder);
          if (!spec) plan.set(folder, 'all');
          else if (specs === undefined) plan.set(folder, new Set([spec.id]));
          else if (specs !== 'all') specs.add(spec.id);
        }
      }
      const targets = folders.filter((f) => plan.has(f.key));
      if (!targets.some((f) => f.server)) {
        run.appendOutput('livecov: the server is not running\r\n');
        return;
      }
      for (const f of targets) {
        if (!f.server) run.appendOutput(`livecov: the server of ${f.label} is not running\r\n`);
      }
      const excluded = new Set(request.exclude ?? []);
      const before: vscode.TestItem[] = [];
      const include = request.include ?? [...this.topItems()];
      for (const item of include) this.leafItems(item, excluded, before);
      for (const item of before) run.started(item);

      const running = targets.filter((f): f is FolderServer & { server: Server } => f.server !== undefined);
      for (const f of running) {
        const specs = plan.get(f.key);
        if (specs === 'all') await f.server.executeCommand('livecov.runAll');
        else for (const uri of specs ?? []) await f.server.executeCommand('livecov.runFile', [uri]);
      }
      await Promise.all(running.map((f) => f.server.sync()));
      if (token.isCancellationRequested) return;

      // The notifications that arrived before the sync answer updated the
      // items in place; a run of everything also picks up new spec files.
      const after: vscode.TestItem[] = [];
      for (const item of request.include ?? [...this.topItems()]) this.leafItems(item, excluded, after);
      for (const item of after) this.report(run, item);
      if (coverage) {
        for (const f of running) {
          if (token.isCancellationRequested) return;
          const tests = after.filter((item) => this.folderOf(item) === f.key);
          await this.addCoverage(run, f.server, tests, token);
        }
      }
    } catch (err) {
      run.appendOutput(`livecov: ${err instanceof Error ? err.message : String(err)}\r\n`);
    } finally {
      run.end();
    }
  }

  /** `livecov/runFinished` from the server of `folder`: report the spec files it ran to every watch. */
  async runFinished(folder: string, p: RunFinishedParams): Promise<void> {
    if (this.watches.size === 0 || p.cancelled) return;
    const specs = new Set(p.specs.map(norm));
    for (const watch of [...this.watches]) {
      const excluded = new Set(watch.request.exclude ?? []);
      const leaves: vscode.TestItem[] = [];
      for (const item of watch.request.include ?? [...this.topItems()]) this.leafItems(item, excluded, leaves);
      const tests = leaves.filter((item) => {
        const spec = this.specOf(item);
        return spec !== undefined && specs.has(spec.id) && this.folderOf(item) === folder;
      });
      if (tests.length === 0) continue;
      const run = this.controller.createTestRun(watch.request);
      try {
        for (const item of tests) this.report(run, item);
        const server = this.folders().find((f) => f.key === folder)?.server;
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
    if (!params) params = (await this.ownerOf(fc.uri.toString())?.server?.fileCoverage(fc.uri.toString())) ?? this.latest(fc.uri);
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
      const folder = this.folderOf(item);
      const server = this.folders().find((f) => f.key === folder)?.server;
      const got = await server?.testCoverage(id);
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
