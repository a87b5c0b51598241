/**
 * Prisma 7's Rust-free client over node-postgres (`@prisma/adapter-pg`).
 * The generated client lives in src/db/generated (made by `npm run db:generate`, run on install).
 *
 * Pool discipline: one request holds at most one pooled connection at a time. Code inside
 * `db.$transaction(async (tx) => ...)` uses `tx` for everything (pass it to the vault, the
 * attestation issuer, audit writes); a call on the root client there would wait for a second
 * connection while holding the first, and a burst of such requests deadlocks the pool
 * (security issue #16, item 7). Waiting for a connection is bounded by `acquireTimeoutMs`, for
 * plain queries (the pool's connectionTimeoutMillis) and transactions (Prisma's maxWait) alike;
 * the API answers what then fails as SERVICE_UNAVAILABLE (src/db/overload.ts).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Database = PrismaClient;

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5000;

export interface DatabaseClientOptions {
  poolSize?: number;
  /** Longest wait for a free pooled connection before the query or transaction fails. */
  acquireTimeoutMs?: number;
  /** Called for every SQL statement Prisma runs (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

export function createDatabaseClient(url: string, options: DatabaseClientOptions = {}): Database {
  const acquireTimeoutMs = options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? DEFAULT_POOL_SIZE, connectionTimeoutMillis: acquireTimeoutMs });
  const transactionOptions = { maxWait: acquireTimeoutMs };
  if (!options.onQuery) return new PrismaClient({ adapter, transactionOptions });
  const client = new PrismaClient({ adapter, transactionOptions, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  client.$on('query', (event) => onQuery(event.query));
  return client as unknown as Database;
}

import type { Prisma } from './generated/client.ts';

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Transaction = Prisma.TransactionClient;
