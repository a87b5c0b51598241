/**
 * What a new user does: `fragmark serve` (= npm start) on the embedded database, twice.
 * Runs the real command line in child processes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { findFreePort } from '../support/ports.ts';
import { startServe } from '../support/serve.ts';
import { waitFor } from '../support/wait-for.ts';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));
let dataDir: string;
let env: NodeJS.ProcessEnv;
let pgPort: number;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'fragmark-cli-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to traverse this folder.
  await chmod(dataDir, 0o711);
  pgPort = await findFreePort();
  env = { ...process.env, FRAGMARK_DATA_DIR: dataDir, FRAGMARK_PORT: String(await findFreePort()), FRAGMARK_EMBEDDED_PG_PORT: String(pgPort), FRAGMARK_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
});
after(() => rm(dataDir, { recursive: true, force: true }));

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

const serve = () => startServe(env);

async function gql(url: string, key: string, query: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return (await response.json()) as any;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test('serve twice on the embedded database: first start mints an admin key, data survives the restart', async () => {
  const first = await serve();
  // Not a terminal (stdout is a pipe): the key is in an owner-only file, never in the output.
  assert.equal(first.ready.initialAdminKey, undefined, 'the admin key is not printed where stdout is no terminal');
  const keyFile = path.join(dataDir, 'initial-admin-key');
  assert.equal(first.ready.initialAdminKeyFile, keyFile);
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
  const adminKey = (await readFile(keyFile, 'utf8')).trim();
  assert.match(adminKey, /^fmk_/);
  const { stdout, stderr } = first.output();
  assert.equal(stdout.includes(adminKey) || stderr.includes(adminKey), false, 'the secret appears in no output or log line');
  // With --json the log lines go to stderr.
  assert.ok(stderr.split('\n').some((line) => line.includes('"level":"warn"') && line.includes(keyFile)), 'the log names the file');
  const created = await gql(first.ready.graphqlUrl, adminKey, 'mutation { createTenant(input: { name: "Persisted" }) { adminKeySecret } }');
  const tenantKey = created.data.createTenant.adminKeySecret;
  assert.equal((await stat(path.join(dataDir, 'postgres', 'pg-password'))).mode & 0o777, 0o600);

  // A second process shares the running cluster instead of failing on its lock.
  const mint = run(['admin', 'mint-key', '--json', '--name', 'ops']);
  assert.equal(await mint.exited, 0, mint.output().stderr);
  const minted = JSON.parse(mint.output().stdout);
  assert.equal((await gql(first.ready.graphqlUrl, minted.secret, '{ viewer { role } }')).data.viewer.role, 'PLATFORM_ADMIN');

  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  assert.equal(await portOpen(pgPort), false, 'the embedded PostgreSQL stopped with the server');

  const second = await serve();
  try {
    assert.equal(second.ready.initialAdminKey, undefined, 'the admin key is printed on the first start only');
    assert.equal(second.ready.initialAdminKeyFile, undefined, 'and written on the first start only');
    const viewer = await gql(second.ready.graphqlUrl, tenantKey, '{ viewer { role tenant { slug } } }');
    assert.deepEqual(viewer.data.viewer, { role: 'TENANT_ADMIN', tenant: { slug: 'persisted' } });
    assert.equal((await gql(second.ready.graphqlUrl, adminKey, '{ viewer { role } }')).data.viewer.role, 'PLATFORM_ADMIN');
  } finally {
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  }
});

test('a wrong or missing master key stops start-up and overwrites nothing; rotating it keeps everything working', async () => {
  const keyFile = path.join(dataDir, 'master.key');
  const original = await readFile(keyFile, 'utf8');
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);

  const wrong = run(['serve'], { FRAGMARK_MASTER_KEY: randomBytes(32).toString('base64') });
  assert.equal(await wrong.exited, 1);
  assert.match(wrong.output().stderr, /does not open this database's keys/);

  await rename(keyFile, `${keyFile}.moved`);
  const missing = run(['serve']);
  assert.equal(await missing.exited, 1);
  assert.match(missing.output().stderr, /Restore the master key/);
  await assert.rejects(stat(keyFile), 'no new key was generated');
  await rename(`${keyFile}.moved`, keyFile);
  assert.equal(await readFile(keyFile, 'utf8'), original);

  const rotate = run(['vault', 'rotate-master-key', '--json']);
  assert.equal(await rotate.exited, 0, rotate.output().stderr);
  assert.ok(JSON.parse(rotate.output().stdout).rewrapped >= 1);
  assert.match(await readFile(keyFile, 'utf8'), /^2:.+\n1:.+\n$/);
  const after = await serve();
  after.child.kill('SIGTERM');
  assert.equal(await after.exited, 0);
});

test('a bad configuration value stops start-up with a message naming the variable', async () => {
  const proc = run(['serve'], { FRAGMARK_PORT: 'eighty' });
  assert.equal(await proc.exited, 78);
  assert.match(proc.output().stderr, /FRAGMARK_PORT must be a whole number/);
});

test('unknown commands print usage and exit 2', async () => {
  const proc = run(['frobnicate']);
  assert.equal(await proc.exited, 2);
  assert.match(proc.output().stderr, /Usage: fragmark/);
});

test('the embedded PostgreSQL killed under load: the API answers 503 with Retry-After (never 500) until its supervisor has it back', async () => {
  const adminKey = (await readFile(path.join(dataDir, 'initial-admin-key'), 'utf8')).trim();
  const server = await serve();
  try {
    const url = server.ready.graphqlUrl as string;
    assert.equal((await gql(url, adminKey, '{ viewer { role } }')).data.viewer.role, 'PLATFORM_ADMIN');
    const pid = Number((await readFile(path.join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');

    // Four clients keep asking until a request succeeds again after the outage was seen.
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    let outage = false;
    let back = false;
    const deadline = Date.now() + 60_000;
    const client = async () => {
      while (!back && Date.now() < deadline) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 503) (outage = true), (retryAfter = response.headers.get('retry-after'));
        else if (response.status === 200 && outage) back = true;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    const seen = JSON.stringify(Object.fromEntries(statuses));
    assert.ok(back, `the API answered again after the restart: ${seen}`);
    assert.deepEqual([...statuses.keys()].filter((s) => s !== 200 && s !== 503), [], `only 200 and 503: ${seen}`);
    assert.ok(Number(retryAfter) > 0, 'a 503 says when to retry');
    const readiness = await fetch(new URL('/readyz', url));
    assert.equal(readiness.status, 200);
    // The supervisor logs the restart once its own connection check passes, which may come just
    // after the clients' first success.
    const log = await waitFor(async () => (/embedded PostgreSQL restarted/.test(server.output().stderr) ? server.output().stderr : undefined), 'the restart log line', 10_000);
    assert.match(log, /embedded PostgreSQL exited unexpectedly: restarting it/);
    assert.match(log, /embedded PostgreSQL restarted/);
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  }
});
