/**
 * Text that PostgreSQL cannot store is refused at the API edge, for every operation: a NUL
 * character (U+0000; text columns cannot hold it) or a lone UTF-16 surrogate (not Unicode text at
 * all) in a variable or in a string literal of the document. Without this check such a value got
 * as far as the database, failed there and came back as "Internal server error".
 * The answer is a BAD_USER_INPUT error (HTTP 400) naming the variable or the literal's location.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode, type StringValueNode } from 'graphql';
import type { GraphQLContext } from './context.ts';

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes(NUL)) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** The first unstorable string anywhere in a variables object, with its path ($input.tags[2]). */
export function findUnstorableVariable(variables: Record<string, unknown> | undefined): { path: string; reason: string } | null {
  if (!variables) return null;
  // Iterative: variables come from the client and may nest deeply.
  const pending: Array<[unknown, string]> = Object.entries(variables).map(([name, value]) => [value, `$${name}`]);
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      const reason = unstorableText(value);
      if (reason) return { path, reason };
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}.${key}`]);
    }
  }
  return null;
}

function findUnstorableLiteral(document: DocumentNode): { node: StringValueNode; reason: string } | null {
  let found: { node: StringValueNode; reason: string } | null = null;
  visit(document, {
    StringValue(node) {
      const reason = unstorableText(node.value);
      if (!reason) return undefined;
      found = { node, reason };
      return BREAK;
    },
  });
  return found;
}

function badInput(message: string, nodes?: StringValueNode): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

export const inputStringsPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const variable = findUnstorableVariable(request.variables);
        if (variable) throw badInput(`Variable ${variable.path} ${variable.reason}; text inputs cannot hold it.`);
        const literal = findUnstorableLiteral(document);
        if (literal) throw badInput(`A string in the document ${literal.reason}; text inputs cannot hold it.`, literal.node);
      },
    };
  },
};
