// folders.ts: which workspace folder serves which file. The extension runs
// one `livecov lsp` per served workspace folder (a multi-root workspace gets
// one server per livecov project folder; nested folders are served by the
// outermost), and routes documents, notifications and commands by folder.
// Pure: no `vscode` import, so the routing is unit-tested in node. Folders
// and documents are compared by URI strings as `vscode.Uri.toString()`
// gives them (callers normalize).

/** Anything with a folder URI. */
export interface FolderRef {
  /** The folder's URI, e.g. `file:///home/me/proj` (a trailing slash is allowed). */
  uri: string;
}

/** Whether `uri` is the folder `folder` itself or a file or folder below it. */
export function contains(folder: string, uri: string): boolean {
  if (uri === folder) return true;
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  return uri.startsWith(prefix);
}

/**
 * The folders that are not inside another folder of the list, in list
 * order. Of folders with the same URI, the first is kept.
 */
export function outermost<T extends FolderRef>(folders: readonly T[]): T[] {
  return folders.filter(
    (f, i) => !folders.some((g, j) => j !== i && (g.uri === f.uri ? j < i : contains(g.uri, f.uri))),
  );
}

/**
 * The folders that get a server: those `eligible` accepts (file folders
 * that are livecov projects), then only the outermost of those. A project
 * nested in a folder that is not a project is served itself; one nested in
 * a served project belongs to that project's server.
 */
export function servedFolders<T extends FolderRef>(folders: readonly T[], eligible: (f: T) => boolean): T[] {
  return outermost(folders.filter(eligible));
}

/** The folder of `folders` that holds `uri` (the innermost when they nest), if any. */
export function ownerOf<T extends FolderRef>(uri: string, folders: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const f of folders) if (contains(f.uri, uri) && (!best || f.uri.length > best.uri.length)) best = f;
  return best;
}

/** What to do when the served folders change: keys to stop, keys to start (in `wanted` order). */
export function planFolders(running: readonly string[], wanted: readonly string[]): { stop: string[]; start: string[] } {
  return {
    stop: running.filter((k) => !wanted.includes(k)),
    start: wanted.filter((k) => !running.includes(k)),
  };
}

/**
 * The `documentSelector` pattern of a folder's client: every file below the
 * folder (`fsPath` as `vscode.Uri.fsPath` gives it).
 */
export function folderPattern(fsPath: string): string {
  const dir = fsPath.length > 1 ? fsPath.replace(/[\\/]+$/, '') : '';
  return `${dir}/**/*`;
}

/**
 * The folder whose state the status bar shows: the active editor's folder
 * when it is served, else the one shown before while it is still served,
 * else the first served folder.
 */
export function statusFolder(
  active: string | undefined,
  previous: string | undefined,
  served: readonly string[],
): string | undefined {
  if (active !== undefined && served.includes(active)) return active;
  if (previous !== undefined && served.includes(previous)) return previous;
  return served[0];
}

/**
 * The folder a server command (`livecov.runFile`, `livecov.writeLcov`...)
 * goes to, among the folders whose server offers it: the folder of the
 * command's first file argument, else `current` (the folder the user looks
 * at), else the first one.
 */
export function commandFolder(
  offering: readonly string[],
  argument: string | undefined,
  current: string | undefined,
): string | undefined {
  if (argument !== undefined) {
    const owner = ownerOf(argument, offering.map((uri) => ({ uri })));
    if (owner) return owner.uri;
  }
  if (current !== undefined && offering.includes(current)) return current;
  return offering[0];
}

/**
 * Labels for folders (their names), made unique: a name that repeats gets
 * ` (2)`, ` (3)`... in list order. Keyed by folder URI.
 */
export function folderLabels(folders: readonly { uri: string; name: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const f of folders) {
    let label = f.name;
    for (let n = 2; used.has(label); n++) label = `${f.name} (${n})`;
    used.add(label);
    out.set(f.uri, label);
  }
  return out;
}

/** The output channel of a folder's server: `livecov` alone, `livecov (name)` in a multi-root workspace. */
export function channelName(label: string, multiRoot: boolean): string {
  return multiRoot ? `livecov (${label})` : 'livecov';
}
