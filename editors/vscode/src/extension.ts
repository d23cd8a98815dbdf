// extension.ts: wires the livecov language server (`livecov lsp` on stdio,
// through vscode-languageclient) to the gutter, the Testing view and the
// status bar, and keeps the server's settings and trust state current.
//
// The server serves one project root, so the extension runs one client per
// served workspace folder (folders.ts: livecov project folders, the
// outermost when they nest): each client is locked to its folder
// (`workspaceFolder`, a documentSelector pattern below it, the folder's
// settings, the server started in it). Notifications are routed by the
// client that sent them; commands go to the active editor's folder, or to
// every folder where that is what they mean (Run All Specs, Restart).
// A single-folder workspace is the case of one client.

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
import {
  channelName,
  commandFolder,
  contains,
  folderLabels,
  folderPattern,
  ownerOf,
  planFolders,
  servedFolders,
  statusFolder,
} from './folders';
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
import { FolderServer, Server, Testing } from './testing';

/** A served workspace folder and its language client. */
interface Served {
  /** The folder's URI (`vscode.Uri.toString()`): the key of everything per folder. */
  key: string;
  folder: vscode.WorkspaceFolder;
  /** The folder's name, unique among the workspace's folders. */
  label: string;
  output: vscode.LogOutputChannel;
  /** `output` is this folder's own channel (multi-root workspaces), disposed with it. */
  ownOutput: boolean;
  client?: LanguageClient;
  /** The program `client` runs (resolved livecov.path). */
  program?: string;
}

/** The served folders by key, in workspace order. */
const served = new Map<string, Served>();

function multiRoot(): boolean {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
}

/** The settings sent to the server of `folder`: the folder's own livecov.* values. */
function settings(folder: vscode.WorkspaceFolder): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('livecov', folder.uri);
  return serverSettings((key: ServerSettingKey) => cfg.get(key), vscode.workspace.isTrusted);
}

/** The served folder that holds `uri`. */
function ownerServed(uri: vscode.Uri): Served | undefined {
  return ownerOf(
    uri.toString(),
    [...served.values()].map((s) => ({ uri: s.key, s })),
  )?.s;
}

/** The server's methods for the Testing view; undefined while it is not running. */
function serverOf(s: Served | undefined): Server | undefined {
  const c = s?.client;
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

/** A command argument that names a file (a URI or an absolute path), as a URI. */
function argumentUri(args: readonly unknown[]): string | undefined {
  const arg = args.find((a): a is string => typeof a === 'string');
  if (arg === undefined) return undefined;
  if (/^[a-zA-Z][\w+.-]+:/.test(arg)) return vscode.Uri.parse(arg).toString();
  if (path.isAbsolute(arg)) return vscode.Uri.file(arg).toString();
  return undefined;
}

/** What vscode-languageclient's ExecuteCommandFeature does with a registration. */
interface CommandRegistrar {
  register(data: { id: string; registerOptions: { commands?: string[] } }): void;
  unregister(id: string): void;
  clear(): void;
}

/**
 * The server's own commands (`livecov.runAll`, `livecov.runFile`,
 * `livecov.writeLcov`, `livecov.summary`). vscode-languageclient registers
 * them as VS Code commands per client, which fails for the second client
 * of a multi-root workspace (a command id exists once). Every client's
 * registrations come here instead: a command is registered once, while
 * some folder's server offers it, and sent to the folder of its first file
 * argument, else to the folder the user is in (commandFolder).
 */
class ServerCommands implements vscode.Disposable {
  private readonly commands = new Map<string, { registration: vscode.Disposable; folders: Map<string, Set<string>> }>();

  constructor(private readonly send: (command: string, offering: string[], args: unknown[]) => unknown) {}

  /** Takes over the executeCommand registrations of the client of folder `key`. */
  attach(client: LanguageClient, key: string): void {
    const feature = (client as unknown as { getFeature(method: string): CommandRegistrar | undefined }).getFeature(
      ExecuteCommandRequest.method,
    );
    if (!feature) return;
    feature.register = (data) => this.add(key, data.id, data.registerOptions.commands ?? []);
    feature.unregister = (id) => this.remove(key, id);
    feature.clear = () => this.remove(key);
  }

  private add(folder: string, id: string, commands: readonly string[]): void {
    for (const command of commands) {
      let entry = this.commands.get(command);
      if (!entry) {
        const folders = new Map<string, Set<string>>();
        const registration = vscode.commands.registerCommand(command, (...args: unknown[]) =>
          this.send(command, [...folders.keys()], args),
        );
        this.commands.set(command, (entry = { registration, folders }));
      }
      let ids = entry.folders.get(folder);
      if (!ids) entry.folders.set(folder, (ids = new Set()));
      ids.add(id);
    }
  }

  /** Drops registration `id` of a folder, or all of its registrations. */
  private remove(folder: string, id?: string): void {
    for (const [command, entry] of this.commands) {
      const ids = entry.folders.get(folder);
      if (!ids) continue;
      if (id === undefined) ids.clear();
      else ids.delete(id);
      if (ids.size === 0) entry.folders.delete(folder);
      if (entry.folders.size === 0) {
        entry.registration.dispose();
        this.commands.delete(command);
      }
    }
  }

  dispose(): void {
    for (const entry of this.commands.values()) entry.registration.dispose();
    this.commands.clear();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('livecov', { log: true });
  const status = new Status();
  const gutter = new Gutter(context.extensionPath);
  const testing = new Testing(
    (): FolderServer[] => [...served.values()].map((s) => ({ key: s.key, label: s.label, server: serverOf(s) })),
    (uri) => gutter.coverage(uri),
  );

  /** The folder the user is in: the active editor's, else the one the status bar shows. */
  const current = (): Served | undefined => {
    const doc = vscode.window.activeTextEditor?.document;
    return (doc && ownerServed(doc.uri)) || (status.current !== undefined ? served.get(status.current) : undefined);
  };

  const notRunning = (s: Served | undefined): void => {
    const message =
      s && multiRoot() ? `livecov: the server of ${s.label} is not running.` : 'livecov: the server is not running.';
    void vscode.window.showWarningMessage(message, 'Show Output').then((choice) => choice && (s?.output ?? output).show());
  };

  const commands = new ServerCommands((command, offering, args) => {
    const key = commandFolder(offering, argumentUri(args), current()?.key);
    const s = key !== undefined ? served.get(key) : undefined;
    const c = s?.client;
    if (!c || c.state !== State.Running) {
      notRunning(s);
      return undefined;
    }
    return c
      .sendRequest(ExecuteCommandRequest.type, { command, arguments: args })
      .then(undefined, (error) => c.handleFailedRequest(ExecuteCommandRequest.type, undefined, error, undefined));
  });
  context.subscriptions.push(output, status, gutter, testing, commands);

  /** Shows the active editor's folder in the status bar and sets `livecov.active`. */
  const updateView = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const owner = doc ? ownerServed(doc.uri) : undefined;
    status.select(statusFolder(owner?.key, status.current, [...served.keys()]), multiRoot());
    const running = (s: Served) => s.client?.state === State.Running;
    // The editor title's Run button: only for files a running server serves.
    const active = doc ? owner !== undefined && running(owner) : [...served.values()].some(running);
    void vscode.commands.executeCommand('setContext', 'livecov.active', active);
  };

  // Not awaited by start(): activation must not wait for the user to
  // dismiss a notification.
  const notFound = async (s: Served, setting: string) => {
    const message =
      setting === 'livecov'
        ? 'livecov: the `livecov` program was not found on PATH. Install it or set livecov.path.'
        : `livecov: livecov.path is "${setting}", which is not an executable file.`;
    status.error(s.key, message.replace(/^livecov: /, ''));
    s.output.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'livecov.path');
    else if (choice === 'Show Output') s.output.show();
  };

  const pushSettings = (s: Served): void => {
    if (s.client?.state !== State.Running) return;
    s.client
      .sendNotification(DidChangeConfigurationNotification.type, { settings: { livecov: settings(s.folder) } })
      .catch((err) => s.output.warn(`livecov: sending settings: ${err instanceof Error ? err.message : String(err)}`));
  };

  const resolveProgram = (s: Served): { setting: string; program?: string } => {
    const setting = vscode.workspace.getConfiguration('livecov', s.folder.uri).get<string>('path', 'livecov');
    return { setting, program: findExecutable(setting, process.env.PATH, s.folder.uri.fsPath) };
  };

  const start = async (s: Served): Promise<void> => {
    const found = resolveProgram(s);
    s.program = found.program;
    if (!s.program) {
      void notFound(s, found.setting);
      return;
    }
    const dir = s.folder.uri.fsPath;
    const serverOptions: ServerOptions = {
      command: s.program,
      args: ['lsp'],
      transport: TransportKind.stdio,
      options: { cwd: dir },
    };
    const clientOptions: LanguageClientOptions = {
      // Only this folder's files: another folder's are another server's.
      documentSelector: [{ scheme: 'file', language: 'lua', pattern: folderPattern(dir) }],
      workspaceFolder: s.folder,
      outputChannel: s.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => settings(s.folder),
      middleware: {
        workspace: {
          // Answer workspace/configuration for `livecov` with the same object
          // as didChangeConfiguration, runTests included.
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) return answer;
            return params.items.map((item, i) => (item.section === 'livecov' ? settings(s.folder) : answer[i]));
          },
          // The server's file watchers (`**/*.lua`) see every folder.
          didChangeWatchedFile: (event, next) => (contains(s.key, event.uri.toString()) ? next(event) : Promise.resolve()),
        },
      },
    };
    const c = new LanguageClient('livecov', channelName(s.label, multiRoot()), serverOptions, clientOptions);
    commands.attach(c, s.key);
    c.onNotification('livecov/coverage', (p: CoverageParams) => gutter.update(p));
    c.onNotification('livecov/summary', (p: SummaryParams) => status.summary(s.key, p));
    c.onNotification('livecov/tests', (p: TestsParams) => testing.update(s.key, p));
    c.onNotification('livecov/runStarted', (p: RunStartedParams) => status.runStarted(s.key, p.id));
    c.onNotification('livecov/runFinished', (p: RunFinishedParams) => {
      status.runFinished(s.key, p.id);
      void testing.runFinished(s.key, p);
    });
    c.onDidChangeState((e) => {
      updateView();
      if (e.newState === State.Stopped) status.reset(s.key);
    });
    s.client = c;
    try {
      await c.start();
      status.error(s.key, undefined);
      s.output.info(`livecov: started ${s.program} lsp in ${dir}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      status.error(s.key, `the server did not start: ${message}`);
      s.output.error(`livecov: the server did not start: ${message}`);
      void vscode.window.showErrorMessage(`livecov: the server did not start: ${message}`, 'Show Output').then(
        (choice) => choice && s.output.show(),
      );
    }
    updateView();
  };

  const stop = async (s: Served): Promise<void> => {
    const c = s.client;
    s.client = undefined;
    s.program = undefined;
    if (c) {
      try {
        await c.stop();
      } catch (err) {
        s.output.warn(`livecov: stopping the server: ${err instanceof Error ? err.message : String(err)}`);
      }
      await c.dispose();
    }
  };

  /**
   * Makes the served folders those of the workspace now: stops the servers
   * of folders no longer served (removed, or now inside another served
   * folder), starts the new ones (and, with `restart`, every one that is
   * not running).
   */
  const syncFolders = async (restart: boolean): Promise<void> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const wanted = servedFolders(
      folders.map((folder) => ({ uri: folder.uri.toString(), folder })),
      (f) => f.folder.uri.scheme === 'file' && isProjectFolder(f.folder.uri.fsPath),
    );
    const labels = folderLabels(folders.map((f) => ({ uri: f.uri.toString(), name: f.name })));
    const plan = planFolders(
      [...served.keys()],
      wanted.map((w) => w.uri),
    );
    for (const key of plan.stop) {
      const s = served.get(key)!;
      served.delete(key);
      await stop(s);
      gutter.clear(key);
      testing.clear(key);
      status.remove(key);
      if (s.ownOutput) s.output.dispose();
    }
    const next = new Map<string, Served>();
    for (const w of wanted) {
      const label = labels.get(w.uri) ?? w.folder.name;
      let s = served.get(w.uri);
      if (s) {
        s.folder = w.folder;
        s.label = label;
      } else {
        const own = multiRoot();
        const channel = own ? vscode.window.createOutputChannel(channelName(label, true), { log: true }) : output;
        s = { key: w.uri, folder: w.folder, label, output: channel, ownOutput: own };
      }
      next.set(w.uri, s);
      status.add(s.key, s.label);
    }
    served.clear();
    for (const [key, s] of next) served.set(key, s);
    testing.layout();
    updateView();
    if (served.size === 0) {
      // Activated by a Lua file outside a livecov project: stay idle.
      output.info('livecov: no .busted, .luacov or spec/ in the workspace; the server is not started.');
      return;
    }
    const starting = [...served.values()].filter((s) => plan.start.includes(s.key) || (restart && !s.client));
    await Promise.all(starting.map(start));
  };

  // Folder changes, restarts and livecov.path changes run one at a time.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): Promise<void> =>
    (queue = queue.then(job).catch((err) => output.error(`livecov: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)));

  const execute = async (s: Served | undefined, command: string, args: unknown[] = []): Promise<unknown> => {
    const server = serverOf(s);
    if (!server) {
      notRunning(s);
      return undefined;
    }
    return server.executeCommand(command, args);
  };

  /** The folder a command acts on: the active editor's; with several and none active, the user picks. */
  const pickFolder = async (placeHolder: string): Promise<Served | undefined> => {
    const doc = vscode.window.activeTextEditor?.document;
    const owner = doc && ownerServed(doc.uri);
    if (owner) return owner;
    const all = [...served.values()];
    if (all.length <= 1) return all[0];
    const choice = await vscode.window.showQuickPick(
      all.map((s) => ({ label: s.label, description: s.folder.uri.fsPath, s })),
      { placeHolder },
    );
    return choice?.s;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('livecov.runAllTests', async () => {
      const all = [...served.values()];
      if (all.length <= 1) return execute(all[0], 'livecov.runAll');
      const running = all.filter((s) => serverOf(s));
      if (running.length === 0) {
        notRunning(undefined);
        return undefined;
      }
      return Promise.all(running.map((s) => execute(s, 'livecov.runAll')));
    }),
    vscode.commands.registerCommand('livecov.runFileTests', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) return undefined;
      const s = ownerServed(target);
      if (!s && served.size > 0) {
        void vscode.window.showInformationMessage(
          `livecov: ${path.basename(target.fsPath)} is not in a livecov project folder of this workspace.`,
        );
        return undefined;
      }
      return execute(s, 'livecov.runFile', [target.toString()]);
    }),
    vscode.commands.registerCommand('livecov.toggleGutter', async () => {
      // A window setting: one gutter for every folder.
      const cfg = vscode.workspace.getConfiguration('livecov');
      const info = cfg.inspect<boolean>('gutter.enabled');
      const target =
        info?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await cfg.update('gutter.enabled', !cfg.get<boolean>('gutter.enabled', true), target);
    }),
    vscode.commands.registerCommand('livecov.writeLcovFile', async () => {
      const s = await pickFolder('Write the lcov report of which folder?');
      if (!s) {
        if (served.size === 0) notRunning(undefined);
        return;
      }
      const file = path.join(s.folder.uri.fsPath, 'lcov.info');
      const written = await execute(s, 'livecov.writeLcov', [file]);
      if (written === undefined && !s.client) return;
      // The server answers { path } with the file it wrote.
      const answer = written as { path?: unknown } | null | undefined;
      const where = typeof answer?.path === 'string' ? answer.path : file;
      const choice = await vscode.window.showInformationMessage(`livecov: wrote ${where}`, 'Open');
      if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(where));
    }),
    vscode.commands.registerCommand('livecov.restartServer', () =>
      enqueue(async () => {
        const all = [...served.values()];
        await Promise.all(all.map(stop));
        gutter.clear();
        testing.clear();
        for (const s of all) status.reset(s.key);
        await syncFolders(true);
      }),
    ),
    vscode.commands.registerCommand('livecov.showOutput', () => (current()?.output ?? output).show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('livecov')) return;
      for (const s of served.values()) {
        // Trust and machine settings that arrive late also fire for
        // livecov.path: restart only if the program really changed.
        if (e.affectsConfiguration('livecov.path', s.folder.uri) && (resolveProgram(s).program !== s.program || !s.client)) {
          void enqueue(async () => {
            if (served.get(s.key) !== s) return;
            await stop(s);
            await start(s);
          });
        } else if (e.affectsConfiguration('livecov', s.folder.uri)) {
          pushSettings(s);
        }
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      status.trusted(true);
      for (const s of served.values()) pushSettings(s);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void enqueue(() => syncFolders(false))),
    vscode.window.onDidChangeActiveTextEditor(() => updateView()),
    {
      dispose: () =>
        void stopAll().then(() => {
          for (const s of served.values()) if (s.ownOutput) s.output.dispose();
        }),
    },
  );

  await enqueue(() => syncFolders(false));
}

async function stopAll(): Promise<void> {
  const clients = [...served.values()].flatMap((s) => {
    const c = s.client;
    s.client = undefined;
    return c ? [c] : [];
  });
  await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
}

export async function deactivate(): Promise<void> {
  await stopAll();
}
