import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase } from '../../test/support/database.ts';
import { MIGRATIONS_DIR, MigrationError, applyMigrations as sut, readLocalMigrations } from './migrate.ts';
import { diffMigrationsToSchema } from './schema-engine.ts';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

test('prisma/schema.prisma and prisma/migrations agree (run `npm run db:new-migration -- <name>` if not)', async () => {
  const testDb = await createTestDatabase({ migrate: false });
  try {
    const drift = await diffMigrationsToSchema(testDb.url, SCHEMA, MIGRATIONS_DIR);
    assert.match(drift, /^-- This is an empty migration\.?$|^$/, `schema.prisma differs from the migrations:\n${drift}`);
  } finally {
    await testDb.drop();
  }
});

test('the drift check notices a model missing from the migrations', async () => {
  const testDb = await createTestDatabase({ migrate: false });
  const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-schema-'));
  try {
    const schema = (await readFile(SCHEMA, 'utf8')) + '\nmodel DriftProbe {\n  id Int @id\n}\n';
    await writeFile(path.join(dir, 'schema.prisma'), schema);
    const drift = await diffMigrationsToSchema(testDb.url, path.join(dir, 'schema.prisma'), MIGRATIONS_DIR);
    assert.match(drift, /CREATE TABLE "DriftProbe"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await testDb.drop();
  }
});

test('migrations apply once, record Prisma-compatible history, and are idempotent', async () => {
  const testDb = await createTestDatabase({ migrate: false });
  try {
    const local = await readLocalMigrations();
    assert.deepEqual(await sut(testDb.url), local.map((m) => m.name));
    assert.deepEqual(await sut(testDb.url), []);
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    const { rows } = await client.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
    await client.end();
    assert.deepEqual(rows.map((r) => [r.migration_name, r.checksum]), local.map((m) => [m.name, m.checksum]));
    assert.ok(rows.every((r) => r.finished_at instanceof Date));
  } finally {
    await testDb.drop();
  }
});

test('an edited, unknown or failing migration is refused and nothing is half-applied', async () => {
  const testDb = await createTestDatabase({ migrate: false });
  const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-migrations-'));
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await sut(testDb.url, dir);

    const broken = path.join(dir, '99990101000000_broken');
    await cp(path.join(dir, (await readLocalMigrations(dir))[0]!.name), broken, { recursive: true });
    await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "Half" (id int);\nSELECT no_such_function();\n');
    await assert.rejects(sut(testDb.url, dir), (e: Error) => e instanceof MigrationError && e.message.includes('99990101000000_broken'));
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    const half = await client.query(`SELECT to_regclass('"Half"') AS t`);
    await client.end();
    assert.equal(half.rows[0].t, null, 'the failed migration left a table behind');
    await rm(broken, { recursive: true });

    const first = path.join(dir, (await readLocalMigrations(dir))[0]!.name, 'migration.sql');
    await writeFile(first, (await readFile(first, 'utf8')) + '\n-- edited\n');
    await assert.rejects(sut(testDb.url, dir), /was edited after it was applied/);

    await assert.rejects(sut(testDb.url, path.join(dir, 'empty-history')), /does not know/);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await testDb.drop();
  }
});
