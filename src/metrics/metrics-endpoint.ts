/**
 * Serving a registry in Prometheus text format: the `/metrics` route of the API (src/api/http)
 * and the small listener of a worker process (FRAGMARK_METRICS_PORT). Only clients whose address
 * is in the allow-list (FRAGMARK_METRICS_ALLOW) are answered; others get the same 404 as an
 * unknown route. Metrics carry no tenant data (labels are bounded: metrics.ts), but counts and
 * rates still say something about the platform's use, so they are not public.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { inCidr, parseIp, type Cidr, type IpAddress } from '../common/ip-addresses.ts';

export const METRICS_PATH = '/metrics';

/** Whether a client at `address` (socket.remoteAddress) may read metrics. */
export function metricsClientAllowed(address: string | undefined, allow: readonly Cidr[]): boolean {
  const ip = address === undefined ? null : parseIp(address);
  if (!ip) return false;
  const v4 = mappedIPv4(ip);
  return allow.some((cidr) => inCidr(ip, cidr) || (v4 !== null && inCidr(v4, cidr)));
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d, how a dual-stack socket reports IPv4 clients). */
function mappedIPv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6 || ip.bytes.slice(0, 10).some((b) => b !== 0) || ip.bytes[10] !== 0xff || ip.bytes[11] !== 0xff) return null;
  return { family: 4, bytes: ip.bytes.slice(12) };
}

/** Writes the registry's exposition; `refresh` first updates gauges read at scrape time. */
export async function answerScrape(res: http.ServerResponse, registry: Registry, refresh?: () => Promise<void>): Promise<void> {
  await refresh?.();
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export interface MetricsListener {
  /** Base URL bound (port 0 picks one). */
  url: string;
  close(): Promise<void>;
}

/** A listener that answers GET /metrics only (a worker's). */
export async function startMetricsListener(options: { host: string; port: number; registry: Registry; allow: readonly Cidr[] }): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH || req.method !== 'GET' || !metricsClientAllowed(req.socket.remoteAddress, options.allow)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    answerScrape(res, options.registry).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
