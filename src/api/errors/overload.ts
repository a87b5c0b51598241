/**
 * How the API edge answers an overloaded database (src/db/overload.ts): never as an internal
 * error, but as SERVICE_UNAVAILABLE with `extensions.retryable` and `retryAfterSeconds`, HTTP 503
 * and a Retry-After header, so clients and load balancers back off and retry instead of reporting
 * a bug. The request changed nothing that its failure leaves half-done: every write that failed
 * this way ran in a transaction that was rolled back, or never started.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { OVERLOAD_MESSAGE, OVERLOAD_RETRY_AFTER_SECONDS } from '../../db/overload.ts';

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** The extensions every overload answer carries (GraphQL errors and REST bodies alike). */
export const overloadExtensions = () => ({ code: SERVICE_UNAVAILABLE, retryable: true, retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS });

/** The headers of a 503 overload answer. */
export const overloadHeaders = (): Record<string, string> => ({ 'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS) });

/** The client-facing form of a GraphQL error caused by overload (formatError). */
export function formatOverload(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: OVERLOAD_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: overloadExtensions(),
  };
}

/** A response with any overload error gets HTTP 503 and Retry-After (runs after formatError). */
export const overloadStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        if (!errors.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) return;
        response.http.status = 503;
        for (const [name, value] of Object.entries(overloadHeaders())) response.http.headers.set(name, value);
      },
    };
  },
};
