import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.ts';
import { BUILD_STAMP, COMPILED_MAIN, chooseEntry } from '../../bin/compiled-entry.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fragmark-entry-'));
  for (const [file, seconds] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
    utimesSync(path.join(root, file), seconds, seconds);
  }
  return root;
}

test('the command runs the build only when it is complete and no source is newer', () => {
  const cases: [string, Record<string, number>, Record<string, string>, string][] = [
    ['fresh build', { 'src/cli/main.ts': 100, 'src/a/b.ts': 150, [COMPILED_MAIN]: 200, [BUILD_STAMP]: 200 }, {}, 'compiled'],
    ['a source edited after the build', { 'src/cli/main.ts': 100, 'src/a/b.ts': 300, [COMPILED_MAIN]: 200, [BUILD_STAMP]: 200 }, {}, 'source'],
    ['an interrupted build (no stamp)', { 'src/cli/main.ts': 100, [COMPILED_MAIN]: 200 }, {}, 'source'],
    ['no build', { 'src/cli/main.ts': 100 }, {}, 'source'],
    ['forced', { 'src/cli/main.ts': 100, [COMPILED_MAIN]: 200, [BUILD_STAMP]: 200 }, { FRAGMARK_FROM_SOURCE: '1' }, 'source'],
    ['a production image (no src/)', { [COMPILED_MAIN]: 200, [BUILD_STAMP]: 200 }, {}, 'compiled'],
  ];
  for (const [name, files, env, expected] of cases) {
    const root = checkout(files);
    try {
      assert.equal(chooseEntry(root, env).kind, expected, name);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
});

test('npm test brought the build up to date: this checkout runs the compiled command with plain node', async () => {
  assert.equal(chooseEntry(ROOT, {}).kind, 'compiled', chooseEntry(ROOT, {}).reason);
  const sut = await runCli(['--help']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.match(sut.stderr + sut.stdout, /fragmark/);
});
