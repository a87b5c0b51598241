/**
 * The `route` and `method` labels of HTTP metrics: a fixed set of route templates (never a raw
 * path: ids in paths would make a series per id), and the usual methods.
 */
import type http from 'node:http';
import { ARTIFACT_ROUTE, CANDIDATE_ROUTE } from './artifact-upload-route.ts';
import { isDashboardRequest } from './dashboard-route.ts';
import { METRICS_PATH } from '../../metrics/metrics-endpoint.ts';

const FIXED = new Set(['/graphql', '/.well-known/jwks.json', '/healthz', '/readyz', METRICS_PATH]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export function routeLabel(req: Pick<http.IncomingMessage, 'method' | 'headers'>, pathname: string): string {
  if (FIXED.has(pathname)) return pathname;
  if (ARTIFACT_ROUTE.test(pathname)) return '/v1/model-versions/:id/artifact';
  if (CANDIDATE_ROUTE.test(pathname)) return '/v1/verification-artifacts';
  if (isDashboardRequest(req, pathname)) return 'dashboard';
  return 'other';
}

export function methodLabel(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : 'OTHER';
}
