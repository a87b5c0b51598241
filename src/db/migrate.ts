/**
 * Applies the committed SQL migrations in prisma/migrations at start-up and from
 * `npm run db:migrate`. Bookkeeping uses Prisma's own `_prisma_migrations` table, checksums and
 * advisory lock, so `prisma migrate deploy` (where its native engine is available) sees the
 * same history and the two can be used interchangeably.
 *
 * Unlike Prisma, each migration runs in a transaction: PostgreSQL DDL is transactional, so a
 * failing migration leaves nothing half-applied. (A migration that cannot run inside a
 * transaction, such as CREATE INDEX CONCURRENTLY, is therefore not supported.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The advisory lock id the Prisma CLI takes while migrating. */
const PRISMA_MIGRATE_LOCK_ID = 72707369;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export async function readLocalMigrations(dir: string = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Brings the database at `url` up to date. Returns the names of the migrations applied now.
 * Refuses (without changing anything) when the history in the database does not match the
 * files: an applied migration was edited, is unknown to this code, or failed earlier.
 */
export async function applyMigrations(url: string, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const local = await readLocalMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
    );
    const byName = new Map(local.map((m) => [m.name, m]));
    for (const row of rows) {
      if (row.finished_at === null) {
        throw new MigrationError(
          `Migration ${row.migration_name} started earlier and never finished. Fix the database by hand, ` +
            `then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}').`,
        );
      }
      const file = byName.get(row.migration_name);
      if (!file) {
        throw new MigrationError(
          `The database has migration ${row.migration_name}, which this version of Fragmark does not know: ` +
            'it was migrated by a newer version. Run that version, or restore a backup.',
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(`Migration ${row.migration_name} was edited after it was applied. Restore the original migration.sql.`);
      }
    }
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = local.filter((m) => !applied.has(m.name));
    for (const migration of pending) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
