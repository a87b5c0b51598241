/**
 * The architecture's import rules, checked on every run (README.md, "Layout"): imports only run
 * downward through the layers, no two folders import each other, the engine imports nothing of
 * the platform, and resolvers reach the database only through services.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Top-level folders of src/, bottom layer first. A folder may import its own layer and those below. */
export const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: 'base', folders: ['config', 'logging', 'metrics', 'tracing', 'errors', 'common', 'auth'] },
  { name: 'core', folders: ['db', 'vault', 'engine', 'audit'] },
  { name: 'runtime', folders: ['jobs'] },
  { name: 'domains', folders: ['registry', 'attestations', 'tenants', 'api-keys', 'endpoints', 'webhooks'] },
  { name: 'workflows', folders: ['watermarks', 'verifications', 'keys', 'monitoring'] },
  { name: 'wiring', folders: ['app'] },
  { name: 'edge', folders: ['api', 'cli', 'demo'] },
];

interface Import {
  from: string;
  fromFolder: string;
  toFolder: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sourceFiles(full);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function imports(): Import[] {
  const found: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const fromFolder = path.relative(SRC, file).split(path.sep)[0]!;
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), match[1]!));
      if (target.startsWith('..')) continue;
      const toFolder = target.split(path.sep)[0]!;
      if (toFolder !== fromFolder) found.push({ from: path.relative(SRC, file), fromFolder, toFolder });
    }
  }
  return found;
}

const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.folders.includes(folder));

test('every folder of src/ has a layer', () => {
  const folders = readdirSync(SRC).filter((name) => statSync(path.join(SRC, name)).isDirectory());
  assert.deepEqual(folders.filter((folder) => layerOf(folder) < 0), []);
});

test('imports only run downward', () => {
  const upward = imports()
    .filter((i) => layerOf(i.toFolder) > layerOf(i.fromFolder))
    .map((i) => `${i.from} (${LAYERS[layerOf(i.fromFolder)]!.name}) imports ${i.toFolder} (${LAYERS[layerOf(i.toFolder)]!.name})`);
  assert.deepEqual([...new Set(upward)], []);
});

test('no two folders import each other', () => {
  const pairs = new Set(imports().map((i) => `${i.fromFolder} -> ${i.toFolder}`));
  const cycles = [...pairs].filter((pair) => pairs.has(pair.split(' -> ').reverse().join(' -> ')));
  assert.deepEqual(cycles, []);
});

test('the engine imports nothing of the platform (only the shared utilities in common)', () => {
  assert.deepEqual(
    imports()
      .filter((i) => i.fromFolder === 'engine' && i.toFolder !== 'common')
      .map((i) => `${i.from} imports ${i.toFolder}`),
    [],
  );
});

test('resolvers call services only: no database client, no Prisma', () => {
  const resolvers = sourceFiles(path.join(SRC, 'api', 'resolvers'));
  const reaching = resolvers.filter((file) => /platform\.db\b|from '.*\/db\//.test(readFileSync(file, 'utf8')));
  assert.deepEqual(reaching.map((file) => path.relative(SRC, file)), []);
});
