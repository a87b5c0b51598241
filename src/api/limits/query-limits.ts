/**
 * Validation rules that reject expensive documents before anything executes:
 * - depth: the deepest chain of nested selections (fragments expanded);
 * - aliases: how many aliased fields the document has (aliases multiply work without depth);
 * - cost: every field costs 1, multiplied by the page size of each paginated field above it
 *   (its `first`; 20 when omitted; 100 when given through a variable, whose value validation
 *   cannot see).
 * Introspection fields (__schema, __type) are counted like any other.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/pagination.ts';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

interface Measure {
  depth: number;
  cost: number;
}

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [(context) => limitRule(context, limits)];
}

function limitRule(context: ValidationContext, limits: QueryLimits): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias) aliases += 1;
    },
    Document: {
      leave() {
        if (aliases > limits.maxAliases) {
          context.reportError(limitError(`The document uses ${aliases} aliases; the limit is ${limits.maxAliases}.`, 'ALIAS_LIMIT'));
        }
      },
    },
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const measure = measureSelections(node.selectionSet, root ?? undefined, { schema, fragments, visiting: new Set() });
      if (measure.depth > limits.maxDepth) {
        context.reportError(limitError(`The query is ${measure.depth} levels deep; the limit is ${limits.maxDepth}.`, 'DEPTH_LIMIT'));
      }
      if (measure.cost > limits.maxCost) {
        context.reportError(limitError(`The query's estimated cost is ${measure.cost}; the limit is ${limits.maxCost}.`, 'COST_LIMIT'));
      }
    },
  };
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  visiting: Set<string>;
}

function measureSelections(set: SelectionSetNode, parent: GraphQLNamedType | undefined, walk: Walk): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of set.selections) {
    let inner: Measure;
    if (selection.kind === Kind.FIELD) {
      const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const paginated = definition?.args.some((a) => a.name === 'first') ?? false;
      const child = selection.selectionSet
        ? measureSelections(selection.selectionSet, definition ? getNamedType(definition.type) : undefined, walk)
        : { depth: 0, cost: 0 };
      const multiplier = paginated ? pageSizeOf(selection.arguments ?? []) : 1;
      inner = { depth: child.depth + 1, cost: 1 + multiplier * child.cost };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      inner = measureSelections(selection.selectionSet, type ?? undefined, walk);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // Unknown or cyclic fragments are reported by graphql-js's own rules.
      if (!fragment || walk.visiting.has(name)) continue;
      walk.visiting.add(name);
      inner = measureSelections(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value) ?? undefined, walk);
      walk.visiting.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

function pageSizeOf(args: readonly { name: { value: string }; value: { kind: Kind; value?: unknown } }[]): number {
  const first = args.find((a) => a.name.value === 'first');
  if (!first || first.value.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
  if (first.value.kind === Kind.INT) return Math.max(1, Math.min(Number(first.value.value), MAX_PAGE_SIZE));
  return MAX_PAGE_SIZE;
}

function limitError(message: string, reason: string): GraphQLError {
  // Apollo reports every validation failure as GRAPHQL_VALIDATION_FAILED; `reason` says which limit.
  return new GraphQLError(message, { extensions: { reason } });
}
