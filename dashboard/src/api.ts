/**
 * The dashboard talks to Fragmark only through the public GraphQL API, with the API key the
 * user signed in with (kept in sessionStorage: gone when the tab closes, never in a cookie or
 * localStorage, never in a URL).
 */

const KEY_STORAGE = 'fragmark.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // Storage disabled: the key lives only in memory for this page.
  }
}

let onUnauthenticated: ((error: ApiError) => void) | undefined;

/** Called when the server refuses the stored key (revoked, expired): the app signs out. */
export function setUnauthenticatedHandler(handler: ((error: ApiError) => void) | undefined): void {
  onUnauthenticated = handler;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status: number,
  ) {
    super(message);
  }
  get unauthenticated(): boolean {
    return this.code === 'UNAUTHENTICATED' || this.status === 401;
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Runs a GraphQL operation; throws ApiError for transport or GraphQL errors. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, key: string | null = storedKey()): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('The Fragmark server cannot be reached.', 'NETWORK', 0);
  }
  let body: GraphQLBody<T>;
  try {
    body = (await response.json()) as GraphQLBody<T>;
  } catch {
    throw new ApiError(`The server answered ${response.status} without a GraphQL response.`, null, response.status);
  }
  const first = body.errors?.[0];
  if (first) {
    const error = new ApiError(first.message, first.extensions?.code ?? null, response.status);
    if (error.unauthenticated && key) onUnauthenticated?.(error);
    throw error;
  }
  if (!body.data) throw new ApiError('The server returned no data.', null, response.status);
  return body.data;
}

interface Connection<N> {
  edges: Array<{ node: N }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Follows a connection's pages (the document fixes the page size, `after` is a variable) up to `limit` nodes. */
export async function allPages<N, T>(
  query: string,
  variables: Record<string, unknown>,
  pick: (data: T) => Connection<N>,
  limit = 2000,
): Promise<{ nodes: N[]; truncated: boolean }> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (;;) {
    const data: T = await gql<T>(query, { ...variables, after });
    const connection = pick(data);
    for (const edge of connection.edges) nodes.push(edge.node);
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return { nodes, truncated: false };
    if (nodes.length >= limit) return { nodes, truncated: true };
    after = connection.pageInfo.endCursor;
  }
}

export type Verdict = 'PENDING' | 'INTACT' | 'TAMPERED' | 'ERROR';
export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface Viewer {
  role: string;
  tenant: { id: string; name: string; slug: string } | null;
  apiKey: { name: string; prefix: string };
}
