// gutter.ts: draws `livecov/coverage` as editor decorations (gutter icon,
// optional line background and overview-ruler mark) and keeps them on the
// right lines while the user types, until the next notification.
// The mapping itself lives in model.ts; this file only talks to VS Code.
// Marks are kept by document URI, whichever folder's server sent them: a
// file belongs to one served folder (folders.ts), so they never collide.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  CoverageParams,
  DECORATION_KEYS,
  DecorationKey,
  EditLog,
  TextChange,
  currentMarks,
  decorationLines,
} from './model';
import { contains } from './folders';
import { iconFile } from './icons';

interface GutterOptions {
  enabled: boolean;
  lineBackground: boolean;
  overviewRuler: boolean;
}

/** Coverage of one file as received, and the document version it describes. */
interface FileState {
  params: CoverageParams;
  /** undefined until known (payload for a file that was not open). */
  baseVersion?: number;
}

function readOptions(): GutterOptions {
  const cfg = vscode.workspace.getConfiguration('livecov');
  return {
    enabled: cfg.get<boolean>('gutter.enabled', true),
    lineBackground: cfg.get<boolean>('gutter.lineBackground', false),
    overviewRuler: cfg.get<boolean>('gutter.overviewRuler', true),
  };
}

export class Gutter implements vscode.Disposable {
  private types = new Map<DecorationKey, vscode.TextEditorDecorationType>();
  private files = new Map<string, FileState>();
  private logs = new Map<string, EditLog>();
  private options = readOptions();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionPath: string) {
    this.createTypes();
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.logs.delete(d.uri.toString())),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((ed) => this.render(ed))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('livecov.gutter')) this.reconfigure();
      }),
    );
  }

  /** A `livecov/coverage` notification. */
  update(params: CoverageParams): void {
    const key = vscode.Uri.parse(params.uri).toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    let baseVersion = params.version ?? undefined;
    // Data for the file on disk matches an open buffer only if it is clean.
    if (baseVersion === undefined && doc && !doc.isDirty) baseVersion = doc.version;
    this.files.set(key, { params, baseVersion });
    if (baseVersion !== undefined) this.logs.get(key)?.forgetThrough(baseVersion);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document.uri.toString() === key) this.render(ed);
  }

  /**
   * Drops every mark, or those of the files under `folder` (a folder URI),
   * e.g. when that folder's server restarts or the folder is removed.
   */
  clear(folder?: string): void {
    if (folder === undefined) this.files.clear();
    else for (const key of [...this.files.keys()]) if (contains(folder, key)) this.files.delete(key);
    for (const ed of vscode.window.visibleTextEditors) this.render(ed);
  }

  /** Coverage last received for `uri` (a `livecov/coverage` payload). */
  coverage(uri: vscode.Uri): CoverageParams | undefined {
    return this.files.get(uri.toString())?.params;
  }

  /** Draws the marks of the editor's document, shifted over the edits since their version. */
  private render(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const key = doc.uri.toString();
    const state = this.files.get(key);
    if (!this.options.enabled || !state) {
      for (const t of this.types.values()) editor.setDecorations(t, []);
      return;
    }
    if (state.baseVersion === undefined) state.baseVersion = doc.version;
    const events = doc.version === state.baseVersion ? [] : this.logs.get(key)?.since(state.baseVersion);
    const fm = currentMarks(state.params, events);
    const groups = decorationLines(fm, doc.lineCount);
    for (const [dkey, marks] of groups) {
      const type = this.types.get(dkey);
      if (!type) continue;
      // No hover text here: the server's textDocument/hover already says
      // what a line's mark means (hits, tests, failures).
      editor.setDecorations(
        type,
        marks.map((m) => new vscode.Range(m.line, 0, m.line, 0)),
      );
    }
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const key = e.document.uri.toString();
    const changes: TextChange[] = e.contentChanges.map((c) => ({
      startLine: c.range.start.line,
      startCharacter: c.range.start.character,
      endLine: c.range.end.line,
      endCharacter: c.range.end.character,
      text: c.text,
    }));
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new EditLog()));
    log.record(e.document.version, changes);
    if (!this.files.has(key)) return;
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === e.document) this.render(ed);
  }

  private reconfigure(): void {
    this.options = readOptions();
    for (const t of this.types.values()) t.dispose();
    this.createTypes();
    for (const ed of vscode.window.visibleTextEditors) this.render(ed);
  }

  private createTypes(): void {
    this.types.clear();
    const media = path.join(this.extensionPath, 'media');
    for (const key of DECORATION_KEYS) {
      const stale = key.startsWith('stale-');
      const kind = stale ? key.slice('stale-'.length) : key;
      const colourBase = stale ? 'stale' : kind;
      const opts: vscode.DecorationRenderOptions = {
        isWholeLine: true,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        light: { gutterIconPath: path.join(media, iconFile(key, 'light')), gutterIconSize: 'contain' },
        dark: { gutterIconPath: path.join(media, iconFile(key, 'dark')), gutterIconSize: 'contain' },
      };
      if (this.options.lineBackground) {
        opts.backgroundColor = new vscode.ThemeColor(`livecov.${colourBase}Background`);
      }
      // Covered lines are the common case: marking them in the ruler is noise.
      if (this.options.overviewRuler && kind !== 'covered') {
        opts.overviewRulerColor = new vscode.ThemeColor(`livecov.${colourBase}Foreground`);
        opts.overviewRulerLane = vscode.OverviewRulerLane.Left;
      }
      this.types.set(key, vscode.window.createTextEditorDecorationType(opts));
    }
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
    this.types.clear();
    for (const d of this.disposables) d.dispose();
  }
}
