// executable.ts: finds the livecov program named by `livecov.path`.
// No `vscode` import: unit-tested in node.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the program `setting` names, or undefined when there
 * is no such executable file. A name without a slash is looked up on
 * `envPath` (PATH); `~/` is the home directory; a relative path is taken
 * from `root` (the first workspace folder).
 */
export function findExecutable(setting: string, envPath: string | undefined, root?: string): string | undefined {
  const name = setting.trim() || 'livecov';
  if (name.includes('/') || name.includes(path.sep)) {
    let file = name.startsWith('~/') ? path.join(os.homedir(), name.slice(2)) : name;
    if (!path.isAbsolute(file)) file = path.resolve(root ?? process.cwd(), file);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** Marker files and folders that make a folder a livecov project. */
export const PROJECT_MARKERS = ['.busted', '.luacov', 'spec'] as const;

/** Whether `folder` has `.busted`, `.luacov` or a `spec/` folder. */
export function isProjectFolder(folder: string): boolean {
  return PROJECT_MARKERS.some((m) => fs.existsSync(path.join(folder, m)));
}
