/**
 * Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`), driven from
 * Node. The Prisma CLI wants to download a native engine, which this environment cannot do;
 * the wasm build gives the same diffing and migration generation offline.
 *
 * Used by development tooling (scripts/new-migration.ts) and by the drift test; the running
 * application applies migrations with src/db/migrate.ts and never loads this module.
 *
 * Driving it by hand needs four things the CLI normally arranges (see architecture.md):
 * the wasm instantiated manually with `globalThis.PRISMA_WASM_PANIC_REGISTRY` defined, a
 * driver adapter that can create a shadow database, the Postgres `"char"` type (OID 18)
 * reported as a character column, and `devDiagnostic` before `createMigration`.
 */
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { wasm } from '../common/webassembly.ts';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
/** Appended to the name of a `"char"` column between the pg client and the adapter. */
const CHAR_MARKER = '\u0000char';
/** `ColumnTypeEnum.Character` of @prisma/driver-adapter-utils. */
const CHARACTER_COLUMN = 6;

/**
 * The adapter rejects the single-byte `"char"` type that Postgres catalogs use
 * (e.g. `pg_constraint.contype`), and the engine wants such columns typed as characters.
 * The client passes them on as text with a marked name; `reportCharColumns` restores the name
 * and sets the column type.
 */
class CatalogFriendlyClient extends pg.Client {
  override query(...args: unknown[]): any {
    const mark = (value: pg.QueryResult | undefined) => {
      for (const field of value?.fields ?? []) {
        if (field.dataTypeID === PG_CHAR_OID) {
          field.dataTypeID = PG_TEXT_OID;
          field.name += CHAR_MARKER;
        }
      }
      return value;
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      // pg.Pool#query passes a callback.
      args[args.length - 1] = (error: Error | null, value: pg.QueryResult) => last(error, mark(value));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(mark) : result;
  }
}

interface ResultSet {
  columnNames: string[];
  columnTypes: number[];
}
interface Queryable {
  queryRaw(query: unknown): Promise<ResultSet>;
  startTransaction?(...args: unknown[]): Promise<Queryable>;
  executeScript?(script: string): Promise<void>;
  underlyingDriver?(): { query(sql: string): Promise<unknown> };
}

/**
 * Adapts the pg adapter to the engine: `"char"` columns (below), and whole migration scripts
 * sent as one multi-statement query. The adapter splits scripts on every `;`, which breaks
 * dollar-quoted function bodies (our audit trigger); PostgreSQL parses them correctly itself.
 */
function adaptForSchemaEngine<T extends Queryable>(queryable: T): T {
  const driver = queryable.underlyingDriver?.();
  if (driver && queryable.executeScript) queryable.executeScript = async (script) => void (await driver.query(script));
  return reportCharColumns(queryable);
}

function reportCharColumns<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, i) => {
      if (name.endsWith(CHAR_MARKER)) {
        result.columnNames[i] = name.slice(0, -CHAR_MARKER.length);
        result.columnTypes[i] = CHARACTER_COLUMN;
      }
    });
    return result;
  };
  const startTransaction = queryable.startTransaction?.bind(queryable);
  if (startTransaction) queryable.startTransaction = async (...args) => reportCharColumns(await startTransaction(...args));
  return queryable;
}

class SchemaEnginePg extends PrismaPg {
  override async connect() {
    return adaptForSchemaEngine(await super.connect());
  }
  override async connectToShadowDb() {
    return adaptForSchemaEngine(await super.connectToShadowDb());
  }
}

class PanicRegistry {
  private message = '';
  get(): string {
    return this.message;
  }
  set_message(message: string): void {
    this.message = `RuntimeError: ${message}`;
  }
}

let wasmReady: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

/** Node 20 cannot import `.wasm` as a module, so the package's entry point is bypassed. */
function loadWasm() {
  wasmReady ??= (async () => {
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= new PanicRegistry();
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const instance = await wasm.instantiate(await wasm.compile(await readFile(wasmPath)), { './schema_engine_bg.js': bindings });
    (bindings as unknown as { __wbg_set_wasm(exports: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bindings;
  })();
  return wasmReady;
}

export interface SchemaEngineSession {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** Opens an engine against `databaseUrl`; shadow databases are created on the same server. */
export async function openSchemaEngine(databaseUrl: string): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadWasm();
  const factory = new SchemaEnginePg({ connectionString: databaseUrl, Client: CatalogFriendlyClient } as pg.PoolConfig);
  const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
  return {
    engine,
    close: async () => engine.free(),
  };
}

/** Reads prisma/migrations in the layout the engine (and `prisma migrate`) expects. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = existsSync(migrationsDir) ? await readdir(migrationsDir, { withFileTypes: true }) : [];
  const directories = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      directories.map(async (name) => {
        const file = path.join(migrationsDir, name, 'migration.sql');
        const content = existsSync(file)
          ? { tag: 'ok' as const, value: await readFile(file, 'utf8') }
          : { tag: 'error' as const, value: `${file} is missing` };
        return { path: name, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * SQL that would bring a database built from the migrations to `schema.prisma`;
 * empty when they agree. Needs a server where it may create a shadow database.
 */
export async function diffMigrationsToSchema(databaseUrl: string, schemaPath: string, migrationsDir: string): Promise<string> {
  const session = await openSchemaEngine(databaseUrl);
  try {
    const result = await session.engine.diff({
      from: { tag: 'migrations', ...(await readMigrationList(migrationsDir)) },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (result.stdout ?? '').trim();
  } finally {
    await session.close();
  }
}
