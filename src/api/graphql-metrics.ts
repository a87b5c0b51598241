/**
 * GraphQL operations counted and timed by root field. The `operation` label is the operation's
 * one root field when it is a field of the schema's root type (`verifyModel`, `models`, ...),
 * `multiple` for several root fields, `unknown` when the document did not parse or validate:
 * never the client's free-form operation name, so the label's values are bounded by the schema.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { secondsSince, type Metrics } from '../metrics/metrics.ts';
import type { GraphQLContext } from './context.ts';

export function rootFieldLabel(operation: OperationDefinitionNode, schema: GraphQLSchema): string {
  const root = schema.getRootType(operation.operation);
  const selections = operation.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename'));
  if (selections.length > 1) return 'multiple';
  const [only] = selections;
  if (only?.kind !== Kind.FIELD || !root?.getFields()[only.name.value]) return 'unknown';
  return only.name.value;
}

export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let operation = 'unknown';
      let type = 'unknown';
      return {
        async didResolveOperation({ operation: resolved, schema }) {
          if (!resolved) return;
          type = resolved.operation;
          operation = rootFieldLabel(resolved, schema);
        },
        async willSendResponse({ response }) {
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.graphqlOperations.inc({ operation, type, outcome: failed ? 'error' : 'success' });
          metrics.graphqlDuration.observe({ operation, type }, secondsSince(started));
        },
      };
    },
  };
}
