/**
 * Prisma 7's Rust-free client over node-postgres (`@prisma/adapter-pg`).
 * The generated client lives in src/db/generated (made by `npm run db:generate`, run on install).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Database = PrismaClient;

export interface DatabaseClientOptions {
  poolSize?: number;
  /** Called for every SQL statement Prisma runs (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

export function createDatabaseClient(url: string, options: DatabaseClientOptions = {}): Database {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
  if (!options.onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  client.$on('query', (event) => onQuery(event.query));
  return client as unknown as Database;
}

import type { Prisma } from './generated/client.ts';

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Transaction = Prisma.TransactionClient;
