/**
 * Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the
 * committed migrations and prisma/schema.prisma, using Prisma's schema engine (wasm build).
 *
 *   npm run db:new-migration -- add_models
 *
 * Needs a PostgreSQL where it may create a throw-away shadow database: DATABASE_URL if set,
 * otherwise a temporary embedded server.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { MIGRATIONS_DIR } from '../src/db/migrate.ts';
import { diffMigrationsToSchema } from '../src/db/schema-engine.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new-migration -- <name>   (lowercase letters, digits and _)');
  process.exit(2);
}
const schemaPath = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

let url = process.env.DATABASE_URL;
let cleanup = async () => {};
if (!url) {
  const server = await startThrowAwayDatabase('scratch');
  url = server.url;
  cleanup = server.stop;
}
try {
  const sql = await diffMigrationsToSchema(url, schemaPath, MIGRATIONS_DIR);
  if (!sql || /^-- This is an empty migration/.test(sql)) {
    console.log('prisma/schema.prisma and the migrations already agree: nothing to do.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'migration.sql'), sql + '\n');
    console.log(`Created ${path.relative(process.cwd(), folder)}/migration.sql`);
  }
} finally {
  await cleanup();
}
