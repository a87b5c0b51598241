/**
 * Keyset pagination over UUIDv7 ids (time-ordered), newest first. Cursors are opaque to
 * clients: base64url of the id. Services return a Page; the API turns it into a Relay connection.
 */
import { DomainError } from '../errors/domain-error.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  totalCount: number;
}

export type PaginationErrorCode = 'INVALID_PAGE_SIZE' | 'INVALID_CURSOR';

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw new DomainError<PaginationErrorCode>('INVALID_CURSOR', 'The cursor is not one this API returned.', ['after']);
  return id;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new DomainError<PaginationErrorCode>('INVALID_PAGE_SIZE', `first must be between 0 and ${MAX_PAGE_SIZE}.`, ['first']);
  }
  return first;
}

/**
 * Runs a findMany ordered by id descending and a count with the same filter.
 * `fetch` receives the Prisma arguments to add (take, where on id, orderBy).
 */
export async function paginate<T extends { id: string }>(
  request: PageRequest,
  fetch: (args: { take: number; cursorWhere: { id?: { lt: string } }; orderBy: { id: 'desc' } }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const size = pageSize(request.first);
  const cursorWhere = request.after ? { id: { lt: decodeCursor(request.after) } } : {};
  const [rows, totalCount] = await Promise.all([fetch({ take: size + 1, cursorWhere, orderBy: { id: 'desc' } }), count()]);
  return { items: rows.slice(0, size), hasNextPage: rows.length > size, totalCount };
}
