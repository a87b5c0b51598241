/**
 * Apollo Server 5 over the SDL in schema.graphql. Errors that are not deliberate GraphQL errors
 * (bugs, database failures) are masked for clients and logged with the request's correlation
 * id, which the client receives as `extensions.requestId` on every error.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Config } from '../config/config.ts';
import type { GraphQLContext } from './context.ts';
import { queryLimitRules } from './limits/query-limits.ts';
import { inputStringsPlugin } from './input-strings.ts';
import { resolvers } from './resolvers/index.ts';
import { readSchemaSdl } from './schema/schema.ts';
import { isDatabaseUnavailable } from '../db/overload.ts';
import { formatOverload, overloadStatusPlugin } from './errors/overload.ts';
import { processMetrics, type Metrics } from '../metrics/metrics.ts';
import { graphqlMetricsPlugin } from './graphql-metrics.ts';

export function buildSchema() {
  return makeExecutableSchema<GraphQLContext>({ typeDefs: readSchemaSdl(), resolvers: resolvers as never });
}

function isDeliberate(error: unknown): boolean {
  const original = unwrapResolverError(error);
  return original instanceof GraphQLError && original.extensions?.code !== 'INTERNAL_SERVER_ERROR';
}

const correlation: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (isDatabaseUnavailable(unwrapResolverError(error))) {
            contextValue.logger.warn('database busy or unavailable: answered SERVICE_UNAVAILABLE', { error: unwrapResolverError(error) as Error, path: error.path });
          } else if (!isDeliberate(error)) {
            contextValue.logger.error('unexpected error while executing a GraphQL operation', {
              error: unwrapResolverError(error) as Error,
              path: error.path,
            });
          }
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors as GraphQLFormattedError[] | undefined;
        if (!errors) return;
        response.body.singleResult.errors = errors.map((e) => ({
          ...e,
          extensions: { ...e.extensions, requestId: contextValue.requestId },
        }));
      },
    };
  },
};

// graphql 16.15 writes "more that"; accept the corrected spelling of later versions too.
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] \d+ tokens\./;

export function createGraphQLServer(config: Config, metrics: Metrics = processMetrics): ApolloServer<GraphQLContext> {
  const development = config.environment === 'development';
  return new ApolloServer<GraphQLContext>({
    schema: buildSchema(),
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: !development,
    validationRules: queryLimitRules(config.graphql),
    // Stops the lexer past this many tokens: the size of what validation has to walk is bounded
    // before any rule runs (the body limit alone allows a megabyte of fragments).
    parseOptions: { maxLexicalTokens: config.graphql.maxTokens },
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    plugins: [correlation, inputStringsPlugin, overloadStatusPlugin, graphqlMetricsPlugin(metrics)],
    formatError(formatted, error) {
      if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(formatted.message)) {
        // graphql-js's own message ("Document contains more than N tokens"), tagged like the other limits.
        return { ...formatted, extensions: { ...formatted.extensions, reason: 'TOKEN_LIMIT' } };
      }
      if (isDatabaseUnavailable(unwrapResolverError(error))) return formatOverload(formatted);
      if (isDeliberate(error) || development) return formatted;
      return {
        message: 'Internal server error',
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    },
  });
}
