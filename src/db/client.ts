/**
 * Prisma 7's Rust-free client over node-postgres (`@prisma/adapter-pg`).
 * The generated client lives in src/db/generated (made by `npm run db:generate`, run on install).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Database = PrismaClient;

export function createDatabaseClient(url: string, options: { poolSize?: number } = {}): Database {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

import type { Prisma } from './generated/client.ts';

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Transaction = Prisma.TransactionClient;
