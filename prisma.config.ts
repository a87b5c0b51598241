/**
 * Prisma CLI configuration (Prisma 7 reads connection URLs from here, not from the schema).
 * The application itself never reads this file: it connects through src/db/client.ts.
 */
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/fragmark' },
});
