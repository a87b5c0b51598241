/**
 * Validation rules that reject expensive documents before anything executes:
 * - depth: the deepest chain of nested selections (fragments expanded);
 * - aliases: how many aliased fields the document has (aliases multiply work without depth);
 * - cost: every field costs 1, multiplied by the page size of each paginated field above it
 *   (its `first`; 20 when omitted; 100 when given through a variable, whose value validation
 *   cannot see).
 * Introspection fields (__schema, __type) are counted like any other.
 *
 * The measurement is linear in the size of the document: a fragment's measure does not depend on
 * where it is spread (its fields are looked up on its own type condition), so each fragment is
 * measured once and reused wherever it is spread. Without that, `fragment F1 { ...F0 ...F0 }`,
 * `fragment F2 { ...F1 ...F1 }`, ... doubles the work per line: 22 such lines froze the event
 * loop for seconds. Fragment cycles count as nothing here (graphql-js's NoFragmentCycles rejects
 * the document; it may run after this rule). Costs past 2^53 are reported as such, not exactly.
 * The size of the document itself is capped before parsing (FRAGMARK_MAX_QUERY_TOKENS, graphql-js's
 * `maxTokens`, set in graphql-server.ts).
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
  // One walk for the whole document: fragments measured for one operation are reused by the next.
  const walk: Walk = { schema: context.getSchema(), fragments, measured: new Map(), visiting: new Set() };
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
      const { schema } = walk;
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const measure = measureSelections(node.selectionSet, root ?? undefined, walk);
      if (measure.depth > limits.maxDepth) {
        context.reportError(limitError(`The query is ${measure.depth} levels deep; the limit is ${limits.maxDepth}.`, 'DEPTH_LIMIT'));
      }
      if (measure.cost > limits.maxCost) {
        context.reportError(limitError(`The query's estimated cost is ${shownCost(measure.cost)}; the limit is ${limits.maxCost}.`, 'COST_LIMIT'));
      }
    },
  };
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Measure of each fragment already walked, by name. */
  measured: Map<string, Measure>;
  /** Fragments being walked right now (a spread of one of them is a cycle). */
  visiting: Set<string>;
}

/** The cost and depth of a selection set (depth: levels of fields below `parent`). */
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
      const measured = measureFragment(selection.name.value, walk);
      // Unknown or cyclic fragments are reported by graphql-js's own rules.
      if (!measured) continue;
      inner = measured;
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

function measureFragment(name: string, walk: Walk): Measure | undefined {
  const known = walk.measured.get(name);
  if (known) return known;
  const fragment = walk.fragments.get(name);
  if (!fragment || walk.visiting.has(name)) return undefined;
  walk.visiting.add(name);
  const measure = measureSelections(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value) ?? undefined, walk);
  walk.visiting.delete(name);
  // Inside a cycle this is a partial measure; the document is invalid anyway (NoFragmentCycles).
  walk.measured.set(name, measure);
  return measure;
}

function shownCost(cost: number): string {
  return cost <= Number.MAX_SAFE_INTEGER ? String(cost) : `more than ${Number.MAX_SAFE_INTEGER}`;
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
