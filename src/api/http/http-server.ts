/**
 * The HTTP edge: GraphQL at /graphql beside plain routes (uploads, JWKS, probes, metrics, the
 * dashboard), on node:http so body limits, authentication and shutdown are explicit. This file
 * dispatches, counts and drains; each route is its own file in this folder.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Platform } from '../../app/services.ts';
import type { GraphQLContext } from '../context.ts';
import { createGraphQLServer } from '../graphql-server.ts';
import { isDashboardRequest, serveDashboard } from './dashboard-route.ts';
import { graphqlRoute } from './graphql-route.ts';
import { isUploadPath, uploadRoutes } from './upload-routes.ts';
import { answerHealth, answerReadiness } from './probe-routes.ts';
import { RequestAuthenticator } from './request-authenticator.ts';
import { graphqlError, json } from './responses.ts';
import { isDatabaseUnavailable, OVERLOAD_MESSAGE } from '../../db/overload.ts';
import { overloadExtensions, overloadHeaders } from '../errors/overload.ts';
import { processMetrics, secondsSince, type Metrics } from '../../metrics/metrics.ts';
import { answerScrape, METRICS_PATH, metricsClientAllowed } from '../../metrics/metrics-endpoint.ts';
import { parseAllowList } from '../../common/ip-addresses.ts';
import { continueTrace, runInTrace, TRACEPARENT } from '../../tracing/trace-context.ts';
import { methodLabel, routeLabel } from './route-label.ts';
import { JOB_KINDS } from '../../jobs/job-queue.ts';


/** How long a closing server keeps answering 503 after its last in-flight request. */
const DRAIN_LINGER_MS = 500;
/** Idle keep-alive connections close after this (advertised to clients as Keep-Alive: timeout=65). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ApiServer {
  /** Starts listening; resolves to the base URL actually bound (port 0 picks one). */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the configured timeout), then closes. */
  close(): Promise<void>;
}

export interface ApiServerDeps {
  config: Config;
  platform: Platform;
  logger: Logger;
  /** Where requests are counted and what /metrics serves; default: this process's (processMetrics). */
  metrics?: Metrics;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function createApiServer({ config, platform, logger, metrics = processMetrics }: ApiServerDeps): Promise<ApiServer> {
  const { db } = platform;
  const apollo: ApolloServer<GraphQLContext> = createGraphQLServer(config, metrics);
  const metricsAllow = parseAllowList(config.metrics.allow.join(','));
  await apollo.start();
  const authenticator = new RequestAuthenticator(db, config.http.authFailures);
  const handleGraphQL = graphqlRoute({ config, platform, apollo, authenticator });
  const handleUpload = uploadRoutes({ config, platform, authenticator });
  /** Set by close(): new requests get 503 while in-flight ones finish. */
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  /** /metrics, when enabled and the client is allowed; the queue gauges are read now (one query). */
  const servesMetrics = (req: http.IncomingMessage) =>
    config.metrics.enabled && req.method === 'GET' && metricsClientAllowed(req.socket.remoteAddress, metricsAllow);
  const refreshQueueGauges = async () => {
    const backlog = await platform.queue.backlog();
    for (const kind of JOB_KINDS) {
      const entry = backlog.get(kind);
      metrics.jobQueueWaiting.set({ kind }, entry?.waiting ?? 0);
      metrics.jobQueueRunning.set({ kind }, entry?.running ?? 0);
      metrics.jobQueueOldestAge.set({ kind }, entry?.oldestWaitingSeconds ?? 0);
    }
  };

  // Every request runs in a span of the trace its caller sent (W3C traceparent), or of a new one:
  // log lines carry it, jobs it enqueues continue it (src/tracing).
  const server = http.createServer((req, res) => runInTrace(continueTrace(req.headers[TRACEPARENT]), () => handle(req, res)));
  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const requestId = REQUEST_ID.test(String(req.headers['x-request-id'] ?? '')) ? String(req.headers['x-request-id']) : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.setHeader('x-content-type-options', 'nosniff');
    const log = logger.child({ requestId });
    if (shuttingDown) {
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', '1');
      return json(res, 503, { error: 'The server is shutting down.' });
    }
    inFlight += 1;
    const started = performance.now();
    let route = 'other';
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      route = routeLabel(req, url.pathname);
      if (url.pathname === '/graphql') await handleGraphQL(req, res, url, requestId, log);
      else if (isUploadPath(url.pathname)) await handleUpload(req, res, url, requestId, log);
      else if (url.pathname === '/.well-known/jwks.json' && req.method === 'GET') {
        // Public: third parties verify attestations offline with these keys.
        res.setHeader('access-control-allow-origin', '*');
        json(res, 200, await platform.issuer.jwks(), { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
      } else if (url.pathname === '/healthz' && req.method === 'GET') answerHealth(res);
      else if (url.pathname === '/readyz' && req.method === 'GET') await answerReadiness(res, db, logger);
      else if (url.pathname === METRICS_PATH && servesMetrics(req)) await answerScrape(res, metrics.registry, refreshQueueGauges);
      else if (isDashboardRequest(req, url.pathname)) await serveDashboard(req, res, url.pathname);
      else json(res, 404, { error: `No route for ${req.method} ${url.pathname}` });
    } catch (error) {
      if (isDatabaseUnavailable(error) && !res.headersSent) {
        // Outside GraphQL execution (authentication, uploads): 503, retryable, in the route's own shape.
        log.warn('database busy or unavailable: answered 503', { error: error as Error });
        req.resume();
        const graphql = req.url?.split('?')[0] === '/graphql';
        const body = graphql
          ? { errors: [{ message: OVERLOAD_MESSAGE, extensions: { ...overloadExtensions(), requestId } }] }
          : { error: { ...overloadExtensions(), message: OVERLOAD_MESSAGE }, requestId };
        return json(res, 503, body, { ...overloadHeaders(), ...(graphql ? {} : { connection: 'close' }) });
      }
      log.error('unexpected error while handling a request', { error: error as Error });
      if (!res.headersSent) graphqlError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error', requestId);
      else res.destroy();
    } finally {
      log.debug('request', { method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) });
      const method = methodLabel(req.method);
      metrics.httpRequests.inc({ route, method, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route, method }, secondsSince(started));
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  }
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  // An idle keep-alive connection stays open longer than the client and any proxy in front keep
  // theirs (load balancers idle out at 60 s), so the server is never the side that closes it as a
  // request arrives: that race resets the request ("fetch failed", ECONNRESET). Node's default of
  // 5 s lost it when a client's event loop was busy for more than 5 s between two requests, as the
  // demo's is while it fine-tunes a model beside its in-process API (a 6 s block reset 2 of 5).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    close: async () => {
      // Draining: the listener stays open and every new request is answered 503 with
      // Connection: close (never a reset socket), until in-flight requests finish and a short
      // linger has passed, within the shutdown timeout; then the listener and sockets close.
      shuttingDown = true;
      const deadline = Date.now() + config.http.shutdownTimeoutMs;
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, config.http.shutdownTimeoutMs).unref()),
        ]);
      }
      const linger = Math.min(DRAIN_LINGER_MS, Math.max(0, deadline - Date.now()));
      if (linger > 0) await new Promise<void>((resolve) => setTimeout(resolve, linger).unref());
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
    },
  };
}
