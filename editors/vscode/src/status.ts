// status.ts: the status bar item: project percent and test counts from
// `livecov/summary`, a spinner while a run is in flight, the trust state;
// a click opens the Testing view. The text itself comes from model.statusView.
//
// One item for every served workspace folder: it keeps each folder's state
// (by folder URI) and shows the selected one, the active editor's folder
// (extension.ts selects it); in a multi-root workspace it names the folder.

import * as vscode from 'vscode';
import { StatusInput, SummaryParams, statusView } from './model';

interface FolderState {
  label: string;
  summary?: SummaryParams;
  error?: string;
  /** Runs in flight (runStarted without runFinished). */
  runs: Set<number>;
}

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly folders = new Map<string, FolderState>();
  private selected: string | undefined;
  private trust: boolean;
  private multiRoot = false;

  constructor() {
    this.item = vscode.window.createStatusBarItem('livecov.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'livecov';
    this.item.command = 'workbench.view.testing.focus';
    this.trust = vscode.workspace.isTrusted;
    this.render();
  }

  /** Starts keeping the state of a served folder (idempotent: updates the label). */
  add(key: string, label: string): void {
    const f = this.folders.get(key);
    if (f) f.label = label;
    else this.folders.set(key, { label, runs: new Set() });
    this.render();
  }

  /** Forgets a folder that is no longer served. */
  remove(key: string): void {
    this.folders.delete(key);
    if (this.selected === key) this.selected = undefined;
    this.render();
  }

  /** The folder to show; `multiRoot`: name it. */
  select(key: string | undefined, multiRoot: boolean): void {
    this.selected = key;
    this.multiRoot = multiRoot;
    this.render();
  }

  /** The folder shown. */
  get current(): string | undefined {
    return this.selected;
  }

  summary(key: string, s: SummaryParams): void {
    const f = this.folders.get(key);
    if (!f) return;
    f.summary = s;
    f.error = undefined;
    this.render();
  }

  runStarted(key: string, id: number): void {
    this.folders.get(key)?.runs.add(id);
    this.render();
  }

  runFinished(key: string, id: number): void {
    this.folders.get(key)?.runs.delete(id);
    this.render();
  }

  trusted(trusted: boolean): void {
    this.trust = trusted;
    this.render();
  }

  /** The folder's server could not start (or stopped): shown until its next summary. */
  error(key: string, message: string | undefined): void {
    const f = this.folders.get(key);
    if (!f) return;
    f.error = message;
    if (message) f.runs.clear();
    this.render();
  }

  /** Forgets what the folder's server said, e.g. when it stops. */
  reset(key: string): void {
    const f = this.folders.get(key);
    if (!f) return;
    f.runs.clear();
    f.summary = undefined;
    f.error = undefined;
    this.render();
  }

  private render(): void {
    const f = this.selected !== undefined ? this.folders.get(this.selected) : undefined;
    // No served folder (not a livecov project): nothing to show.
    if (!f) {
      this.item.hide();
      return;
    }
    const input: StatusInput = {
      summary: f.summary,
      running: f.runs.size > 0,
      trusted: this.trust,
      error: f.error,
      folder: this.multiRoot ? f.label : undefined,
    };
    const view = statusView(input);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.command = input.error ? 'livecov.showOutput' : 'workbench.view.testing.focus';
    this.item.backgroundColor = input.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
