/**
 * One fresh, migrated PostgreSQL database per test file, dropped afterwards.
 * The server comes from `npm test` (FRAGMARK_TEST_DATABASE_URL); a file run on its own with
 * `node --import tsx --test FILE` starts a private embedded server instead.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseClient, type Database } from '../../src/db/client.ts';
import { startThrowAwayDatabase } from '../../src/db/embedded.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

export interface TestDatabase {
  /** Connection string of this file's own database. */
  url: string;
  /** Connection string of the server's maintenance database, to create more databases. */
  serverUrl: string;
  db: Database;
  /** SQL statements run through `db` so far (to prove batching). */
  queries: string[];
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply prisma/migrations (default true). */
  migrate?: boolean;
  /** Connections in `db`'s pool (default 4). */
  poolSize?: number;
  /** How long `db` waits for a pooled connection (default: the client's). */
  acquireTimeoutMs?: number;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  let serverUrl = process.env.FRAGMARK_TEST_DATABASE_URL;
  let stopServer = async () => {};
  if (!serverUrl) {
    const server = await startThrowAwayDatabase();
    serverUrl = server.adminUrl;
    stopServer = server.stop;
  }
  const name = `fragmark_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  if (options.migrate !== false) await applyMigrations(url);
  const queries: string[] = [];
  const db = createDatabaseClient(url, { poolSize: options.poolSize ?? 4, acquireTimeoutMs: options.acquireTimeoutMs, onQuery: (sql) => queries.push(sql) });
  return {
    url,
    serverUrl,
    db,
    queries,
    drop: async () => {
      await db.$disconnect();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await stopServer();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
