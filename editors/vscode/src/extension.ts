// extension.ts: wires the livecov language server (`livecov lsp` on stdio,
// through vscode-languageclient) to the gutter, the Testing view and the
// status bar, and keeps the server's settings and trust state current.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { findExecutable, isProjectFolder } from './executable';
import { Gutter } from './gutter';
import {
  CoverageParams,
  RunFinishedParams,
  RunStartedParams,
  ServerSettingKey,
  SummaryParams,
  TestCoverageResult,
  TestsParams,
  serverSettings,
} from './model';
import { Status } from './status';
import { Server, Testing } from './testing';

let client: LanguageClient | undefined;
/** The program `client` runs (resolved livecov.path). */
let program: string | undefined;

function root(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function settings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('livecov');
  return serverSettings((key: ServerSettingKey) => cfg.get(key), vscode.workspace.isTrusted);
}

/** The server's methods for the Testing view; undefined while it is not running. */
function server(): Server | undefined {
  const c = client;
  if (!c || c.state !== State.Running) return undefined;
  return {
    executeCommand: (command, args = []) => c.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
    sync: async () => {
      await c.sendRequest('livecov/sync', {});
    },
    testCoverage: (id) => c.sendRequest<TestCoverageResult>('livecov/testCoverage', { id }),
    fileCoverage: (uri) => c.sendRequest<CoverageParams | undefined>('livecov/fileCoverage', { uri }),
    summary: async () => {
      const s = await c.sendRequest(ExecuteCommandRequest.type, { command: 'livecov.summary', arguments: [] });
      return (s ?? undefined) as SummaryParams | undefined;
    },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('livecov', { log: true });
  const isProject = (vscode.workspace.workspaceFolders ?? []).some(
    (f) => f.uri.scheme === 'file' && isProjectFolder(f.uri.fsPath),
  );
  const status = new Status();
  const gutter = new Gutter(context.extensionPath);
  const testing = new Testing(server, (uri) => gutter.coverage(uri));
  context.subscriptions.push(output, status, gutter, testing);

  // Not awaited by start(): activation must not wait for the user to
  // dismiss a notification.
  const notFound = async (setting: string) => {
    const message =
      setting === 'livecov'
        ? 'livecov: the `livecov` program was not found on PATH. Install it or set livecov.path.'
        : `livecov: livecov.path is "${setting}", which is not an executable file.`;
    status.error(message.replace(/^livecov: /, ''));
    output.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'livecov.path');
    else if (choice === 'Show Output') output.show();
  };

  const pushSettings = (): void => {
    if (client?.state !== State.Running) return;
    client
      .sendNotification(DidChangeConfigurationNotification.type, { settings: { livecov: settings() } })
      .catch((err) => output.warn(`livecov: sending settings: ${err instanceof Error ? err.message : String(err)}`));
  };

  const resolveProgram = (): { setting: string; program?: string } => {
    const setting = vscode.workspace.getConfiguration('livecov').get<string>('path', 'livecov');
    return { setting, program: findExecutable(setting, process.env.PATH, root()) };
  };

  const start = async (): Promise<void> => {
    const found = resolveProgram();
    program = found.program;
    if (!program) {
      void notFound(found.setting);
      return;
    }
    const serverOptions: ServerOptions = {
      command: program,
      args: ['lsp'],
      transport: TransportKind.stdio,
      options: { cwd: root() },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'lua' }],
      outputChannel: output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => settings(),
      middleware: {
        workspace: {
          // Answer workspace/configuration for `livecov` with the same object
          // as didChangeConfiguration, runTests included.
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) return answer;
            return params.items.map((item, i) => (item.section === 'livecov' ? settings() : answer[i]));
          },
        },
      },
    };
    const c = new LanguageClient('livecov', 'livecov', serverOptions, clientOptions);
    c.onNotification('livecov/coverage', (p: CoverageParams) => gutter.update(p));
    c.onNotification('livecov/summary', (p: SummaryParams) => status.summary(p));
    c.onNotification('livecov/tests', (p: TestsParams) => testing.update(p));
    c.onNotification('livecov/runStarted', (p: RunStartedParams) => status.runStarted(p.id));
    c.onNotification('livecov/runFinished', (p: RunFinishedParams) => {
      status.runFinished(p.id);
      void testing.runFinished(p);
    });
    c.onDidChangeState((e) => {
      void vscode.commands.executeCommand('setContext', 'livecov.active', e.newState === State.Running);
      if (e.newState === State.Stopped) status.reset();
    });
    client = c;
    try {
      await c.start();
      status.error(undefined);
      output.info(`livecov: started ${program} lsp in ${root() ?? '(no folder)'}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      status.error(`the server did not start: ${message}`);
      output.error(`livecov: the server did not start: ${message}`);
      void vscode.window.showErrorMessage(`livecov: the server did not start: ${message}`, 'Show Output').then(
        (choice) => choice && output.show(),
      );
    }
  };

  const stop = async (): Promise<void> => {
    const c = client;
    client = undefined;
    program = undefined;
    if (c) {
      try {
        await c.stop();
      } catch (err) {
        output.warn(`livecov: stopping the server: ${err instanceof Error ? err.message : String(err)}`);
      }
      await c.dispose();
    }
  };

  const execute = async (command: string, args: unknown[] = []): Promise<unknown> => {
    const s = server();
    if (!s) {
      void vscode.window.showWarningMessage('livecov: the server is not running.', 'Show Output').then(
        (choice) => choice && output.show(),
      );
      return undefined;
    }
    return s.executeCommand(command, args);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('livecov.runAllTests', () => execute('livecov.runAll')),
    vscode.commands.registerCommand('livecov.runFileTests', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) return undefined;
      return execute('livecov.runFile', [target.toString()]);
    }),
    vscode.commands.registerCommand('livecov.toggleGutter', async () => {
      const cfg = vscode.workspace.getConfiguration('livecov');
      const info = cfg.inspect<boolean>('gutter.enabled');
      const target =
        info?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await cfg.update('gutter.enabled', !cfg.get<boolean>('gutter.enabled', true), target);
    }),
    vscode.commands.registerCommand('livecov.writeLcovFile', async () => {
      const dir = root();
      const file = dir ? path.join(dir, 'lcov.info') : undefined;
      const written = await execute('livecov.writeLcov', file ? [file] : []);
      if (written === undefined && !client) return;
      // The server answers { path } with the file it wrote.
      const answer = written as { path?: unknown } | null | undefined;
      const where = typeof answer?.path === 'string' ? answer.path : file;
      if (!where) return;
      const choice = await vscode.window.showInformationMessage(`livecov: wrote ${where}`, 'Open');
      if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(where));
    }),
    vscode.commands.registerCommand('livecov.restartServer', async () => {
      await stop();
      gutter.clear();
      testing.clear();
      status.reset();
      await start();
    }),
    vscode.commands.registerCommand('livecov.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('livecov') || !isProject) return;
      // Trust and machine settings that arrive late also fire for
      // livecov.path: restart only if the program really changed.
      if (e.affectsConfiguration('livecov.path') && (resolveProgram().program !== program || !client)) {
        await stop();
        await start();
      } else {
        pushSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      status.trusted(true);
      pushSettings();
    }),
    { dispose: () => void stop() },
  );

  // Activated by a Lua file outside a livecov project: stay idle.
  if (!isProject) {
    output.info('livecov: no .busted, .luacov or spec/ in the workspace; the server is not started.');
    status.hide();
    return;
  }
  await start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
