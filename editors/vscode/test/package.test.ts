// Checks that package.json, media/ and the code agree: settings and their
// defaults, colours, commands, and generated icons (like a doc-drift check).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findExecutable, isProjectFolder } from '../src/executable';
import { THEMES, iconFile, iconSvg } from '../src/icons';
import { DECORATION_KEYS, MARK_KINDS, SERVER_SETTING_DEFAULTS } from '../src/model';

// out/test/ → the extension folder.
const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const props: Record<string, { default: unknown; scope?: string; description?: string; markdownDescription?: string }> =
  pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('declares every server setting with the same default', () => {
    for (const [key, value] of Object.entries(SERVER_SETTING_DEFAULTS)) {
      assert.ok(props[`livecov.${key}`], `livecov.${key} is declared`);
      assert.deepEqual(props[`livecov.${key}`].default, value, `default of livecov.${key}`);
    }
    const extra = Object.keys(props).filter(
      (k) => !(k.slice('livecov.'.length) in SERVER_SETTING_DEFAULTS),
    );
    assert.deepEqual(extra.sort(), ['livecov.path', 'livecov.trace.server']);
  });

  it('gives each setting a scope and a description', () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope, `${key} has a scope`);
      assert.ok(p.description || p.markdownDescription, `${key} has a description`);
    }
  });

  it('contributes a foreground and background colour per kind and stale', () => {
    const ids = pkg.contributes.colors.map((c: { id: string }) => c.id).sort();
    const want = [...MARK_KINDS, 'stale'].flatMap((k) => [`livecov.${k}Foreground`, `livecov.${k}Background`]).sort();
    assert.deepEqual(ids, want);
  });

  it('registers the commands extension.ts implements', () => {
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(ids, [
      'livecov.restartServer',
      'livecov.runAllTests',
      'livecov.runFileTests',
      'livecov.showOutput',
      'livecov.toggleGutter',
      'livecov.writeLcovFile',
    ]);
    // vscode-languageclient registers the server's executeCommand commands
    // under their own names: ours must not take them.
    for (const serverCommand of ['livecov.runAll', 'livecov.runFile', 'livecov.writeLcov', 'livecov.summary']) {
      assert.ok(!ids.includes(serverCommand), `${serverCommand} is left to the server`);
    }
    const src = fs.readFileSync(path.join(ROOT, 'src', 'extension.ts'), 'utf8');
    for (const id of ids) assert.ok(src.includes(`registerCommand('${id}'`), `${id} is registered`);
  });

  it('activates on Lua files and livecov projects, with limited trust support', () => {
    assert.deepEqual(pkg.activationEvents, [
      'workspaceContains:.busted',
      'workspaceContains:.luacov',
      'workspaceContains:spec/**/*.lua',
      'onLanguage:lua',
    ]);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});

describe('media/', () => {
  it('holds exactly the generated icons (run `npm run icons` after changing src/icons.ts)', () => {
    const want = DECORATION_KEYS.flatMap((k) => THEMES.map((t) => iconFile(k, t))).sort();
    assert.deepEqual(fs.readdirSync(path.join(ROOT, 'media')).sort(), want);
    for (const key of DECORATION_KEYS) {
      for (const theme of THEMES) {
        const file = path.join(ROOT, 'media', iconFile(key, theme));
        assert.equal(fs.readFileSync(file, 'utf8'), iconSvg(key, theme), `${file} is up to date`);
      }
    }
  });
});

describe('finding the server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livecov-exe-'));
  const exe = path.join(dir, 'livecov');
  fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
  const plain = path.join(dir, 'plain');
  fs.writeFileSync(plain, '', { mode: 0o644 });

  it('looks a bare name up on PATH', () => {
    assert.equal(findExecutable('livecov', `/nonexistent${path.delimiter}${dir}`), exe);
    assert.equal(findExecutable('', dir), exe, 'an empty setting means livecov');
    assert.equal(findExecutable('livecov', '/nonexistent'), undefined);
  });

  it('takes paths as absolute or relative to the workspace folder', () => {
    assert.equal(findExecutable(exe, ''), exe);
    assert.equal(findExecutable('./livecov', '', dir), exe);
    assert.equal(findExecutable(plain, ''), undefined, 'not executable');
    assert.equal(findExecutable(dir, ''), undefined, 'a directory');
  });

  it('recognises livecov projects', () => {
    assert.equal(isProjectFolder(dir), false);
    fs.mkdirSync(path.join(dir, 'spec'));
    assert.equal(isProjectFolder(dir), true);
  });
});
