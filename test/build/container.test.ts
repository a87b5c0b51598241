/**
 * The container files (Dockerfile, compose.yaml) against the code. These machines cannot build
 * images, so the run stage is rebuilt here as a folder: exactly the paths its COPY lines take
 * from the build stage, without sources or tsx, and `fragmark serve` must start from it on a real
 * PostgreSQL, answer /readyz, GraphQL and the dashboard, and stop cleanly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../../src/config/config.ts';
import { SCHEMA_PATH } from '../../src/api/schema/schema.ts';
import { DASHBOARD_DIR } from '../../src/api/http/dashboard-route.ts';
import { MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { findFreePort } from '../support/ports.ts';
import { startServe } from '../support/serve.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
const compose = await readFile(path.join(ROOT, 'compose.yaml'), 'utf8');

/** The run stage's `COPY --from=build <sources...> <target>` lines, as [source, target] pairs. */
function runStageCopies(): [string, string][] {
  const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const pairs: [string, string][] = [];
  for (const line of runStage.split('\n')) {
    const m = /^COPY --from=build (.+)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[1]!.split(/\s+/);
    const target = parts.pop()!;
    for (const source of parts) {
      const relative = path.posix.relative('/app', source);
      pairs.push([relative, target.endsWith('/') || target === './' ? path.posix.join(target, path.posix.basename(relative)) : target]);
    }
  }
  return pairs;
}

test('every variable the container files set is a configuration variable the code declares', () => {
  const declared = new Set([...CONFIG_VARIABLES.map((v) => v.name), 'NODE_ENV']);
  const dockerEnv = [...dockerfile.matchAll(/\b((?:FRAGMARK|NODE)_[A-Z_]+)=/g)].map((m) => m[1]!);
  const composeEnv = [...compose.matchAll(/^\s+((?:FRAGMARK_|DATABASE_)[A-Z_]*):/gm)].map((m) => m[1]!);
  assert.ok(dockerEnv.length >= 4 && composeEnv.length >= 5, 'the files set variables');
  for (const name of [...dockerEnv, ...composeEnv]) assert.ok(declared.has(name), `${name} is not a configuration variable`);
  assert.match(dockerfile, /^USER fragmark$/m, 'the image runs as a non-root user');
  assert.match(dockerfile, /^HEALTHCHECK .*\/readyz/ms);
});

test('the run stage copies every file the compiled server reads at run time', () => {
  const copied = runStageCopies().map(([, target]) => path.posix.normalize(target).replace(/\/$/, ''));
  const needed = [SCHEMA_PATH.pathname, MIGRATIONS_DIR, DASHBOARD_DIR, path.join(ROOT, 'dist'), path.join(ROOT, 'bin'), path.join(ROOT, 'package.json'), path.join(ROOT, 'node_modules')].map((p) =>
    path.relative(ROOT, p).replace(/\/$/, ''),
  );
  for (const file of needed) assert.ok(copied.includes(file), `the Dockerfile's run stage does not copy ${file} (copies ${copied.join(', ')})`);
});

let db: TestDatabase;
let image: string;
before(async () => {
  db = await createTestDatabase();
  image = await mkdtemp(path.join(tmpdir(), 'fragmark-image-'));
  for (const [source, target] of runStageCopies()) {
    const to = path.join(image, target);
    await mkdir(path.dirname(to), { recursive: true });
    // node_modules: the checkout's own (the image prunes dev dependencies; nothing here loads them).
    if (source === 'node_modules') await symlink(path.join(ROOT, 'node_modules'), to);
    else if (existsSync(path.join(ROOT, source))) await cp(path.join(ROOT, source), to, { recursive: true });
  }
});
after(async () => {
  await rm(image, { recursive: true, force: true });
  await db.drop();
});

test('`fragmark serve` starts from the run stage alone (compiled, no sources) and answers', async () => {
  assert.ok(!existsSync(path.join(image, 'src')) && existsSync(path.join(image, 'dist/cli/main.js')), 'the image holds the build and no sources');
  const dataDir = path.join(image, 'data');
  await mkdir(dataDir);
  const port = await findFreePort();
  const server = await startServe(
    { PATH: process.env.PATH, HOME: dataDir, DATABASE_URL: db.url, FRAGMARK_ENV: 'production', FRAGMARK_PORT: String(port), FRAGMARK_DATA_DIR: dataDir, FRAGMARK_WORKERS: '0', FRAGMARK_LOG_LEVEL: 'warn' },
    { bin: 'bin/fragmark.js', cwd: image },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const graphql = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    assert.equal(graphql.status, 200, 'the schema file was found');
    if (existsSync(DASHBOARD_DIR)) assert.equal((await fetch(`${base}/`, { headers: { accept: 'text/html' } })).status, 200, 'the dashboard is served');
    assert.ok(server.ready.url.length > 0);
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, JSON.stringify(server.output()));
  }
});
