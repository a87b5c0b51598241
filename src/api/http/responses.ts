/** The JSON answers every route writes: plain JSON, and GraphQL-shaped errors. */
import type http from 'node:http';

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** An error in the GraphQL response shape, with its code and the request's correlation id. */
export function graphqlError(res: http.ServerResponse, status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}): void {
  json(res, status, { errors: [{ message, extensions: { code, requestId } }] }, headers);
}
