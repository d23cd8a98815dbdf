// Unit tests of src/folders.ts: which workspace folders get a server, which
// folder owns a file (nested folders included), what changes when folders
// are added and removed, and where commands and the status bar go.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  channelName,
  commandFolder,
  contains,
  folderLabels,
  folderPattern,
  outermost,
  ownerOf,
  planFolders,
  servedFolders,
  statusFolder,
} from '../src/folders';

const A = 'file:///ws/a';
const B = 'file:///ws/b';
const AB = 'file:///ws/a/b'; // nested in A
const AX = 'file:///ws/ax'; // a sibling whose name starts like A

const f = (uri: string) => ({ uri });
const uris = (list: { uri: string }[]) => list.map((x) => x.uri);

describe('folders: which folder holds a URI', () => {
  it('holds itself and everything below, nothing beside', () => {
    assert.ok(contains(A, A));
    assert.ok(contains(A, `${A}/src/m.lua`));
    assert.ok(contains(A, `${AB}/spec/x_spec.lua`));
    assert.ok(!contains(A, `${AX}/src/m.lua`), 'a prefix of the name is not the folder');
    assert.ok(!contains(A, 'file:///ws'), 'the parent');
    assert.ok(!contains(A, `${B}/src/m.lua`));
  });

  it('takes a folder URI with a trailing slash, and a root', () => {
    assert.ok(contains(`${A}/`, `${A}/m.lua`));
    assert.ok(!contains(`${A}/`, `${AX}/m.lua`));
    assert.ok(contains('file:///', 'file:///ws/a/m.lua'));
  });

  it('routes a file to the folder that holds it, the innermost when they nest', () => {
    const folders = [f(A), f(B), f(AB)];
    assert.equal(ownerOf(`${A}/src/m.lua`, folders)?.uri, A);
    assert.equal(ownerOf(`${B}/spec/m_spec.lua`, folders)?.uri, B);
    assert.equal(ownerOf(`${AB}/src/m.lua`, folders)?.uri, AB);
    assert.equal(ownerOf(`${AX}/src/m.lua`, folders), undefined);
    assert.equal(ownerOf('file:///elsewhere/m.lua', folders), undefined);
    assert.equal(ownerOf(`${A}/m.lua`, []), undefined);
  });

  it('routes among served folders only: a nested folder belongs to the outer server', () => {
    const served = servedFolders([f(A), f(AB), f(B)], () => true);
    assert.equal(ownerOf(`${AB}/src/m.lua`, served)?.uri, A);
  });
});

describe('folders: which folders get a server', () => {
  it('keeps the outermost of nested folders, in workspace order', () => {
    assert.deepEqual(uris(outermost([f(AB), f(B), f(A)])), [B, A]);
    assert.deepEqual(uris(outermost([f(A), f(AX), f(B)])), [A, AX, B], 'siblings are not nested');
    assert.deepEqual(uris(outermost([f('file:///ws'), f(A), f(AB)])), ['file:///ws']);
  });

  it('serves a folder listed twice once', () => {
    assert.deepEqual(uris(outermost([f(A), f(B), f(A)])), [A, B]);
  });

  it('serves only eligible folders (livecov projects), then the outermost of those', () => {
    const projects = new Set([AB, B]);
    // A is not a project: the project nested in it is served itself.
    assert.deepEqual(uris(servedFolders([f(A), f(AB), f(B)], (x) => projects.has(x.uri))), [AB, B]);
    projects.add(A);
    assert.deepEqual(uris(servedFolders([f(A), f(AB), f(B)], (x) => projects.has(x.uri))), [A, B]);
    assert.deepEqual(servedFolders([f(A)], () => false), [], 'no project: no server');
  });

  it('a single folder is served alone, as before multi-root support', () => {
    assert.deepEqual(uris(servedFolders([f(A)], () => true)), [A]);
  });
});

describe('folders: adding and removing folders', () => {
  const serve = (list: string[]) => uris(servedFolders(list.map(f), () => true));

  it('starts a server for an added folder and keeps the others', () => {
    assert.deepEqual(planFolders(serve([A]), serve([A, B])), { stop: [], start: [B] });
  });

  it('stops the server of a removed folder', () => {
    assert.deepEqual(planFolders(serve([A, B]), serve([B])), { stop: [A], start: [] });
  });

  it('an added folder that holds a served one takes over from it', () => {
    assert.deepEqual(planFolders(serve([AB, B]), serve([AB, B, A])), { stop: [AB], start: [A] });
  });

  it('an added folder inside a served one gets no server', () => {
    assert.deepEqual(planFolders(serve([A]), serve([A, AB])), { stop: [], start: [] });
  });

  it('removing the outer folder starts the nested one', () => {
    assert.deepEqual(planFolders(serve([A, AB]), serve([AB])), { stop: [A], start: [AB] });
  });

  it('reordering folders changes nothing', () => {
    assert.deepEqual(planFolders(serve([A, B]), serve([B, A])), { stop: [], start: [] });
  });

  it('removing every folder stops every server', () => {
    assert.deepEqual(planFolders(serve([A, B]), serve([])), { stop: [A, B], start: [] });
  });
});

describe('folders: client options', () => {
  it('selects the documents below the folder', () => {
    assert.equal(folderPattern('/ws/a'), '/ws/a/**/*');
    assert.equal(folderPattern('/ws/a/'), '/ws/a/**/*');
    assert.equal(folderPattern('/'), '/**/*');
  });

  it('names the output channel by folder in a multi-root workspace only', () => {
    assert.equal(channelName('a', false), 'livecov');
    assert.equal(channelName('a', true), 'livecov (a)');
  });

  it('labels folders by name, made unique', () => {
    const labels = folderLabels([
      { uri: A, name: 'lib' },
      { uri: B, name: 'app' },
      { uri: AB, name: 'lib' },
      { uri: AX, name: 'lib' },
    ]);
    assert.deepEqual([...labels.values()], ['lib', 'app', 'lib (2)', 'lib (3)']);
    assert.equal(labels.get(AB), 'lib (2)');
  });
});

describe('folders: what the user looks at', () => {
  it('the status bar shows the active editor’s folder', () => {
    assert.equal(statusFolder(B, A, [A, B]), B);
  });

  it('keeps the folder shown before when the active editor is in no served folder', () => {
    assert.equal(statusFolder(undefined, B, [A, B]), B);
    assert.equal(statusFolder(AX, B, [A, B]), B);
  });

  it('falls back to the first served folder, and to none without one', () => {
    assert.equal(statusFolder(undefined, undefined, [A, B]), A);
    assert.equal(statusFolder(undefined, AB, [A, B]), A, 'the folder shown before is no longer served');
    assert.equal(statusFolder(A, undefined, []), undefined);
  });

  it('sends a server command to the folder of its file argument', () => {
    assert.equal(commandFolder([A, B], `${B}/spec/x_spec.lua`, A), B);
    assert.equal(commandFolder([A, B], `${AB}/lcov.info`, B), A);
  });

  it('else to the current folder, else to the first that offers it', () => {
    assert.equal(commandFolder([A, B], undefined, B), B);
    assert.equal(commandFolder([A, B], 'file:///elsewhere/x.lua', B), B);
    assert.equal(commandFolder([A], undefined, B), A, 'the current folder does not offer it');
    assert.equal(commandFolder([], undefined, A), undefined);
  });
});
