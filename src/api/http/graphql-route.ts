/**
 * POST/GET /graphql: authentication, the body limit and content type, then Apollo's execution with
 * a context of request-scoped services (one per request, bound to its actor).
 */
import type http from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Actor } from '../../auth/actor.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { createServices, type Platform } from '../../app/services.ts';
import type { GraphQLContext } from '../context.ts';
import { readBody, BodyTooLarge } from './read-body.ts';
import { graphqlError } from './responses.ts';
import { RateLimited, type RequestAuthenticator } from './request-authenticator.ts';

export interface GraphQLRouteDeps {
  readonly config: Config;
  readonly platform: Platform;
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly authenticator: RequestAuthenticator;
}

export function graphqlRoute({ config, platform, apollo, authenticator }: GraphQLRouteDeps) {
  return async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string, log: Logger): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      return graphqlError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET or POST.', requestId, { allow: 'GET, POST' });
    }
    let actor: Actor | null;
    try {
      actor = await authenticator.authenticate(req, log);
    } catch (error) {
      if (error instanceof RateLimited) {
        return graphqlError(res, 429, 'RATE_LIMITED', error.clientMessage, requestId, { 'retry-after': String(error.retryAfterSeconds) });
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
  };
}
