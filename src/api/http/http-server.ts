/**
 * The HTTP edge: GraphQL at /graphql beside plain routes (/healthz, /readyz), on node:http so
 * body limits, authentication and shutdown are explicit. Later routes (JWKS, artifact
 * upload) are added to ROUTES.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import { ApiKeyAuthenticator } from '../../api-keys/api-keys.service.ts';
import { DomainError } from '../../errors/domain-error.ts';
import type { Actor } from '../../auth/actor.ts';
import { createServices, type Platform } from '../../app/services.ts';
import type { GraphQLContext } from '../context.ts';
import { createGraphQLServer } from '../graphql-server.ts';
import { readBody, BodyTooLarge } from './read-body.ts';
import { ARTIFACT_ROUTE, CANDIDATE_ROUTE, handleArtifactUpload, handleCandidateUpload } from './artifact-upload-route.ts';
import { isDashboardRequest, serveDashboard } from './dashboard-route.ts';
import { AuthFailureLimiter } from './auth-failure-limiter.ts';
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

/** The client's address has failed authentication too often (AuthFailureLimiter). */
class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed authentications');
  }
}

export async function createApiServer({ config, platform, logger, metrics = processMetrics }: ApiServerDeps): Promise<ApiServer> {
  const { db } = platform;
  const apollo: ApolloServer<GraphQLContext> = createGraphQLServer(config, metrics);
  const metricsAllow = parseAllowList(config.metrics.allow.join(','));
  await apollo.start();
  const authenticator = new ApiKeyAuthenticator(db);
  const authFailures = new AuthFailureLimiter(config.http.authFailures);
  /** Set by close(): new requests get 503 while in-flight ones finish. */
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  const graphqlError = (res: http.ServerResponse, status: number, code: string, message: string, requestId: string, headers = {}) =>
    json(res, status, { errors: [{ message, extensions: { code, requestId } }] }, headers);

  /**
   * null without an Authorization header; a DomainError UNAUTHENTICATED for a bad one, or
   * RATE_LIMITED (without looking at the key) once the client's address has failed too often.
   */
  async function authenticate(req: http.IncomingMessage, log: Logger): Promise<Actor | null> {
    const authorization = req.headers.authorization;
    if (authorization === undefined) return null;
    const address = req.socket.remoteAddress;
    const retryAfter = authFailures.retryAfterSeconds(address);
    if (retryAfter > 0) throw new RateLimited(retryAfter);
    try {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new DomainError('UNAUTHENTICATED', 'Authorization must be "Bearer <api key>".');
      return await authenticator.authenticate(match[1]!);
    } catch (error) {
      if (error instanceof DomainError && authFailures.recordFailure(address)) {
        log.warn('too many failed authentications: refusing further attempts from this address for a while', {
          address,
          limit: config.http.authFailures.limit,
          windowSeconds: config.http.authFailures.windowSeconds,
        });
      }
      throw error;
    }
  }

  const rateLimitedMessage = (error: RateLimited) =>
    `Too many failed authentications from your address; try again in ${error.retryAfterSeconds} s.`;

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string, log: Logger) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      return graphqlError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET or POST.', requestId, { allow: 'GET, POST' });
    }
    let actor: Actor | null;
    try {
      actor = await authenticate(req, log);
    } catch (error) {
      if (error instanceof RateLimited) {
        return graphqlError(res, 429, 'RATE_LIMITED', rateLimitedMessage(error), requestId, { 'retry-after': String(error.retryAfterSeconds) });
      }
      if (!(error instanceof DomainError)) throw error;
      return graphqlError(res, 401, 'UNAUTHENTICATED', error.message, requestId, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }

    let body: unknown = undefined;
    if (req.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(req, config.http.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${config.http.maxBodyBytes} bytes.`, requestId, {
            connection: 'close',
          });
        }
        throw error;
      }
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/(graphql-response\+)?json\b/i.test(type)) {
        return graphqlError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request as Content-Type: application/json.', requestId);
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return graphqlError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.', requestId);
      }
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const context: GraphQLContext = { actor, services: createServices(platform, actor), platform, requestId, logger: log };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
      context: async () => context,
    });
    const responseHeaders: Record<string, string> = { 'cache-control': 'no-store' };
    for (const [key, value] of result.headers) responseHeaders[key] = value;
    res.writeHead(result.status ?? 200, responseHeaders);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

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

  async function handleReady(res: http.ServerResponse) {
    try {
      await Promise.race([
        db.$queryRawUnsafe('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database check timed out')), 2000).unref()),
      ]);
      json(res, 200, { status: 'ready', checks: { database: 'ok' } });
    } catch (error) {
      logger.warn('readiness check failed', { error: error as Error });
      json(res, 503, { status: 'unavailable', checks: { database: 'unreachable' } });
    }
  }

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
      else if (ARTIFACT_ROUTE.test(url.pathname) || CANDIDATE_ROUTE.test(url.pathname)) {
        let actor: Actor | null = null;
        try {
          actor = await authenticate(req, log);
        } catch (error) {
          if (error instanceof RateLimited) {
            req.resume();
            return json(res, 429, { error: { code: 'RATE_LIMITED', message: rateLimitedMessage(error) }, requestId }, { 'retry-after': String(error.retryAfterSeconds) });
          }
          if (!(error instanceof DomainError)) throw error;
          req.resume();
          return json(res, 401, { error: { code: 'UNAUTHENTICATED', message: error.message }, requestId }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        }
        const context = { config, store: platform.store, services: createServices(platform, actor), actor };
        const versionMatch = ARTIFACT_ROUTE.exec(url.pathname);
        const result = versionMatch ? await handleArtifactUpload(req, versionMatch[1]!, context) : await handleCandidateUpload(req, context);
        json(res, result.status, { ...result.body, requestId }, result.status >= 400 ? { connection: 'close' } : {});
      } else if (url.pathname === '/.well-known/jwks.json' && req.method === 'GET') {
        // Public: third parties verify attestations offline with these keys.
        res.setHeader('access-control-allow-origin', '*');
        json(res, 200, await platform.issuer.jwks(), { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
      } else if (url.pathname === '/healthz' && req.method === 'GET') json(res, 200, { status: 'ok' });
      else if (url.pathname === '/readyz' && req.method === 'GET') await handleReady(res);
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
