/**
 * Whether a database failure means "unavailable right now, try again" rather than a bug: the pool
 * had no free connection in time, PostgreSQL refused or dropped connections, or it is down or
 * restarting. The API answers these as SERVICE_UNAVAILABLE / HTTP 503 with Retry-After instead of
 * an internal error.
 *
 * What Prisma 7 with @prisma/adapter-pg actually throws (reproduced with a pool of 1 and one
 * transaction holding it):
 * - a plain query, or a transaction's start, whose wait exceeds the pool's connectionTimeoutMillis:
 *   node-postgres's own `Error('timeout exceeded when trying to connect')`, unwrapped, no code;
 * - a transaction whose start exceeds Prisma's maxWait: P2028 "Unable to start a transaction in the
 *   given time.";
 * - a transaction that outlived its timeout (waiting on locks under load): P2028 with
 *   meta.timeout / meta.timeTaken;
 * - connection-level failures mapped by the adapter: P1001 (not reachable), P1008 (socket
 *   timeout), P1017 (connection closed), P2037 (too many connections, SQLSTATE 53300), and P2024
 *   (the pool timeout code of Prisma's older engines).
 *
 * And with the server gone (its postmaster SIGKILLed, reproduced in overload.test.ts):
 * - model queries and transactions: P1001 "Can't reach database server";
 * - raw queries: P2010 "Raw query failed" carrying the adapter's error in
 *   meta.driverAdapterError.cause: kind DatabaseNotReachable, ConnectionClosed, SocketTimeout or
 *   TooManyConnections, or kind `postgres` with SQLSTATE class 08 (connection exception) or 57P
 *   (the server shutting down or starting: 57P01-57P03);
 * - a query on a pooled connection that died under it: node-postgres's "Connection terminated
 *   unexpectedly" or "Client has encountered a connection error and is not queryable", unwrapped
 *   or inside the message of Prisma's wrapper;
 * - sometimes the adapter's error itself, unwrapped: a `DriverAdapterError` whose `cause` is the
 *   same { kind, code } (seen once in CI as "terminating connection due to unexpected postmaster
 *   exit", SQLSTATE 57P01, thrown by a transaction while the server was down).
 */
const RETRYABLE_CODES = new Set(['P1001', 'P1008', 'P1017', 'P2024', 'P2037']);
const POOL_TIMEOUT_MESSAGES = new Set(['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123])/;
const CONNECTION_LOST = ['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable'];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (POOL_TIMEOUT_MESSAGES.has(error.message) || CONNECTION_LOST.some((m) => error.message.includes(m))) return true;
  const { code, meta } = error as { code?: unknown; meta?: { timeout?: unknown; driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } };
  const unwrapped = error.name === 'DriverAdapterError' ? (error as { cause?: { kind?: unknown; code?: unknown } }).cause : undefined;
  const cause = meta?.driverAdapterError?.cause ?? (typeof unwrapped === 'object' && unwrapped !== null ? unwrapped : undefined);
  if (typeof cause?.kind === 'string' && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  if (cause?.kind === 'postgres' && typeof cause.code === 'string' && UNAVAILABLE_SQLSTATE.test(cause.code)) return true;
  if (typeof code !== 'string') return false;
  if (RETRYABLE_CODES.has(code)) return true;
  return code === 'P2028' && (error.message.includes('Unable to start a transaction in the given time') || typeof meta?.timeout === 'number');
}

/** Seconds a client should wait before retrying an overloaded request (the Retry-After header). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 2;

export const OVERLOAD_MESSAGE = 'The service is busy; retry the request shortly.';
