// status.ts: the status bar item: project percent and test counts from
// `livecov/summary`, a spinner while a run is in flight, the trust state;
// a click opens the Testing view. The text itself comes from model.statusView.

import * as vscode from 'vscode';
import { StatusInput, SummaryParams, statusView } from './model';

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private input: StatusInput = { running: false, trusted: true };
  private runs = new Set<number>();

  constructor() {
    this.item = vscode.window.createStatusBarItem('livecov.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'livecov';
    this.item.command = 'workbench.view.testing.focus';
    this.input.trusted = vscode.workspace.isTrusted;
    this.render();
    this.item.show();
  }

  summary(s: SummaryParams): void {
    this.input.summary = s;
    this.input.error = undefined;
    this.render();
  }

  runStarted(id: number): void {
    this.runs.add(id);
    this.input.running = true;
    this.render();
  }

  runFinished(id: number): void {
    this.runs.delete(id);
    this.input.running = this.runs.size > 0;
    this.render();
  }

  trusted(trusted: boolean): void {
    this.input.trusted = trusted;
    this.render();
  }

  /** The server could not start (or stopped): shown until the next summary. */
  error(message: string | undefined): void {
    this.input.error = message;
    if (message) {
      this.runs.clear();
      this.input.running = false;
    }
    this.render();
  }

  /** Not a livecov project: nothing to show. */
  hide(): void {
    this.item.hide();
  }

  reset(): void {
    this.runs.clear();
    this.input = { running: false, trusted: this.input.trusted };
    this.render();
  }

  private render(): void {
    const view = statusView(this.input);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.command = this.input.error ? 'livecov.showOutput' : 'workbench.view.testing.focus';
    this.item.backgroundColor = this.input.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
