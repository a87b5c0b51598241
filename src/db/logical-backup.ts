/**
 * A logical backup of the application's tables, in SQL only: no pg_dump, whose version must be at
 * least the server's (Debian's is 15; the embedded server is 18), and no COPY driver.
 *
 * Dump: one REPEATABLE READ, READ ONLY transaction (a consistent snapshot while the platform keeps
 * running); every table of the `public` schema in foreign-key order, each row as PostgreSQL's own
 * `row_to_json` text, read through a cursor in batches (bounded memory). Restore: into a database
 * whose migrations are exactly the backup's and whose tables are empty, in one transaction, each
 * batch as `INSERT ... SELECT * FROM json_populate_recordset(NULL::table, $1)`, so that PostgreSQL
 * converts every value back from its own text form (bytea, timestamps, enums, arrays, jsonb).
 *
 * Not included: `_prisma_migrations` (the target applies the same migrations itself), `JobAdmission`
 * (which attempts of pg-boss's jobs run now), the tables
 * the caller excludes (the artifact store's: its blobs are backed up through the store), and other
 * schemas (pg-boss's queue: jobs unfinished at backup time are ended by the caller).
 */
import pg from 'pg';

/** One line of a backup: a table's name and one row as JSON text. */
export interface TableRow {
  readonly table: string;
  readonly json: string;
}

/** Migrations are applied by the target itself; job admissions mean nothing without pg-boss's jobs. */
const EXCLUDED = new Set(['_prisma_migrations', 'JobAdmission']);
const FETCH_ROWS = 200;
const INSERT_ROWS = 200;
/** Rows are flushed earlier when their JSON text passes this size (artifact chunks are large). */
const INSERT_BYTES = 16 * 1024 * 1024;

/** The `public` tables, every table after the tables it references. */
export async function tablesInDependencyOrder(client: pg.ClientBase, exclude: readonly string[] = []): Promise<string[]> {
  const tables = (await client.query<{ name: string }>(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`)).rows
    .map((r) => r.name)
    .filter((t) => !EXCLUDED.has(t) && !exclude.includes(t));
  const edges = (
    await client.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE k.contype = 'f' AND n.nspname = 'public'`,
    )
  ).rows.filter((e) => e.child !== e.parent);
  const order: string[] = [];
  const remaining = new Set(tables);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => !edges.some((e) => e.child === t && remaining.has(e.parent)));
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among ${[...remaining].join(', ')}: no restore order`);
    for (const t of ready) {
      order.push(t);
      remaining.delete(t);
    }
  }
  return order;
}

/** The names of the migrations applied to this database, in order. */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const exists = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '_prisma_migrations'`);
  if (exists.rowCount === 0) return [];
  const rows = await client.query<{ name: string }>(`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`);
  return rows.rows.map((r) => r.name);
}

/**
 * Reads every row of every table from one snapshot. `begin` receives the tables (in order) and
 * the applied migrations before the first row.
 */
export async function* dumpTables(url: string, exclude: readonly string[], begin: (info: { tables: string[]; migrations: string[] }) => void): AsyncGenerator<TableRow> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesInDependencyOrder(client, exclude);
    begin({ tables, migrations: await appliedMigrations(client) });
    for (const table of tables) {
      const name = client.escapeIdentifier(table);
      await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS json FROM ${name} t`);
      for (;;) {
        const batch = await client.query<{ json: string }>(`FETCH ${FETCH_ROWS} FROM backup_rows`);
        for (const row of batch.rows) yield { table, json: row.json };
        if (batch.rows.length < FETCH_ROWS) break;
      }
      await client.query('CLOSE backup_rows');
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/**
 * Inserts `rows` (tables in dependency order, as dumped) in one transaction into `url`, whose
 * tables must all be empty; `beforeCommit` runs inside it last. Returns rows per table.
 */
export async function restoreTables(
  url: string,
  exclude: readonly string[],
  rows: AsyncIterable<TableRow>,
  beforeCommit: (client: pg.ClientBase, counts: ReadonlyMap<string, number>) => Promise<void> = async () => {},
): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counts = new Map<string, number>();
  try {
    await client.query('BEGIN');
    const tables = new Set(await tablesInDependencyOrder(client, exclude));
    for (const table of tables) {
      const { rows: any } = await client.query(`SELECT 1 FROM ${client.escapeIdentifier(table)} LIMIT 1`);
      if (any.length > 0) throw new Error(`The target database is not empty (table ${table} has rows): restore into a new database`);
    }
    let pending: string[] = [];
    let pendingBytes = 0;
    let pendingTable = '';
    const flush = async () => {
      if (pending.length === 0) return;
      const name = client.escapeIdentifier(pendingTable);
      await client.query(`INSERT INTO ${name} SELECT * FROM json_populate_recordset(NULL::${name}, $1::json)`, [`[${pending.join(',')}]`]);
      counts.set(pendingTable, (counts.get(pendingTable) ?? 0) + pending.length);
      pending = [];
      pendingBytes = 0;
    };
    for await (const row of rows) {
      if (!tables.has(row.table)) throw new Error(`The backup has a table this version does not know: ${row.table}`);
      if (row.table !== pendingTable || pending.length >= INSERT_ROWS || pendingBytes >= INSERT_BYTES) {
        await flush();
        pendingTable = row.table;
      }
      pending.push(row.json);
      pendingBytes += row.json.length;
    }
    await flush();
    await beforeCommit(client, counts);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return counts;
}
