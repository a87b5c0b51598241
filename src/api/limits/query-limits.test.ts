import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, parse, specifiedRules, validate, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { buildSchema } from '../graphql-server.ts';
import { queryLimitRules as sut } from './query-limits.ts';

const schema = buildSchema();
const errors = (query: string, limits = { maxDepth: 5, maxCost: 1000, maxAliases: 5 }) =>
  validate(schema, parse(query), sut(limits)).map((e) => e.extensions.reason);

/** The estimated cost the rule computes for `query` (read from its message, with a limit of 0). */
function costOf(query: string): number {
  const reported = validate(schema, parse(query), sut({ maxDepth: 100, maxCost: 0, maxAliases: 100 }));
  const match = /estimated cost is (\d+);/.exec(reported.find((e) => e.extensions.reason === 'COST_LIMIT')?.message ?? '');
  assert.ok(match, `no cost reported for ${query}: ${reported.map((e) => e.message).join('; ')}`);
  return Number(match[1]);
}

/** `fragment F1 on Query { ...F0 ...F0 }` ... `query { ...Fn }`: each level doubles the expanded size. */
function doublingFragments(levels: number): string {
  const lines = ['fragment F0 on Query { viewer { role } }'];
  for (let i = 1; i <= levels; i++) lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  lines.push(`query { ...F${levels} }`);
  return lines.join('\n');
}

test('depth counts nested fields through fragments and inline fragments', () => {
  assert.deepEqual(errors('{ viewer { apiKey { id } } }', { maxDepth: 3, maxCost: 1000, maxAliases: 5 }), []);
  assert.deepEqual(errors('{ viewer { apiKey { id } } }', { maxDepth: 2, maxCost: 1000, maxAliases: 5 }), ['DEPTH_LIMIT']);
  const viaFragments = 'query { viewer { ...V } } fragment V on Viewer { ... on Viewer { apiKey { id } } }';
  assert.deepEqual(errors(viaFragments, { maxDepth: 2, maxCost: 1000, maxAliases: 5 }), ['DEPTH_LIMIT']);
});

test('a fragment measured once keeps its depth wherever it is spread again', () => {
  // K is first met at depth 3 (viewer > apiKey > id), then reused at depth 4 (apiKeys > edges > node > id).
  const query = '{ viewer { apiKey { ...K } } apiKeys { edges { node { ...K } } } } fragment K on ApiKey { id }';
  const reported = validate(schema, parse(query), sut({ maxDepth: 3, maxCost: 1000, maxAliases: 5 }));
  assert.deepEqual(reported.map((e) => e.message), ['The query is 4 levels deep; the limit is 3.']);
});

test('cost multiplies by page sizes: explicit, default (20) and variables (100)', () => {
  const limits = (maxCost: number) => ({ maxDepth: 10, maxCost, maxAliases: 5 });
  // apiKeys(1) + first * (edges(1) + node(1) + id(1) + name(1))
  assert.deepEqual(errors('{ apiKeys(first: 10) { edges { node { id name } } } }', limits(41)), []);
  assert.deepEqual(errors('{ apiKeys(first: 10) { edges { node { id name } } } }', limits(40)), ['COST_LIMIT']);
  assert.deepEqual(errors('{ apiKeys { edges { node { id name } } } }', limits(81)), []);
  assert.deepEqual(errors('{ apiKeys { edges { node { id name } } } }', limits(80)), ['COST_LIMIT']);
  assert.deepEqual(errors('query($n: Int) { apiKeys(first: $n) { edges { node { id name } } } }', limits(400)), ['COST_LIMIT']);
});

test('costs through fragments are the fully expanded costs, multiplied by each spread site', () => {
  // viewer(1) + role(1)
  assert.equal(costOf(doublingFragments(0)), 2);
  // Every level doubles: 2 * 2^n.
  assert.equal(costOf(doublingFragments(1)), 4);
  assert.equal(costOf(doublingFragments(3)), 16);
  assert.equal(costOf(doublingFragments(10)), 2048);
  // A: 2; B = A + A: 4; C = B + B + aliased viewer { role }: 10; the query: C + B = 14.
  assert.equal(
    costOf('query { ...C ...B } fragment A on Query { viewer { role } } fragment B on Query { ...A ...A } fragment C on Query { ...B ...B v: viewer { role } }'),
    14,
  );
  // E = node(1) + id(1) + cursor(1) = 3; Conn = edges(1 + E) + totalCount(1) = 5. The same fragment
  // under two page sizes: (1 + 2 * 5) + (1 + 4 * 5) = 32.
  const conn = 'fragment Conn on ApiKeyConnection { edges { ...E } totalCount } fragment E on ApiKeyEdge { node { id } cursor }';
  assert.equal(costOf(`{ apiKeys(first: 5) { ...Conn } } ${conn}`), 26);
  assert.equal(costOf(`{ a: apiKeys(first: 2) { ...Conn } b: apiKeys(first: 4) { ...Conn } } ${conn}`), 32);
  // Operations of one document share the fragments' measures but are each limited on their own.
  const twoOperations = validate(schema, parse(`query One { apiKeys(first: 2) { ...Conn } } query Two { apiKeys(first: 4) { ...Conn } } ${conn}`), sut({ maxDepth: 10, maxCost: 11, maxAliases: 5 }));
  assert.deepEqual(twoOperations.map((e) => e.message), ["The query's estimated cost is 21; the limit is 11."]);
});

/** Counts how often the measurement reads fragment `name`'s selection set. */
function countReads(document: DocumentNode, name: string): () => number {
  const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name)!;
  const selectionSet = fragment.selectionSet;
  let reads = 0;
  Object.defineProperty(fragment, 'selectionSet', { get: () => (reads++, selectionSet), enumerable: true });
  return () => reads;
}

test('each fragment is measured once, however often it is spread (no exponential expansion)', () => {
  const document = parse(doublingFragments(12));
  const reads = countReads(document, 'F0');
  assert.deepEqual(validate(schema, document, sut({ maxDepth: 12, maxCost: 10_000, maxAliases: 30 })).map((e) => e.extensions.reason), []);
  // Expanding the spreads would read F0 2^12 = 4096 times; the document visit and one measurement read it a few.
  assert.ok(reads() <= 4, `F0 was read ${reads()} times`);
});

test('the doubling-fragments attack (30 levels, no key needed) is refused for its cost, with the exact figure', () => {
  const document = parse(doublingFragments(30));
  const reported = validate(schema, document, [...specifiedRules, ...sut({ maxDepth: 12, maxCost: 5000, maxAliases: 30 })]);
  assert.deepEqual(reported.map((e) => [e.extensions.reason, e.message]), [['COST_LIMIT', `The query's estimated cost is ${2 ** 31}; the limit is 5000.`]]);
  // Past 2^53 the figure is not exact any more, and says so.
  const huge = validate(schema, parse(doublingFragments(60)), sut({ maxDepth: 12, maxCost: 5000, maxAliases: 30 }));
  assert.deepEqual(huge.map((e) => e.message), [`The query's estimated cost is more than ${Number.MAX_SAFE_INTEGER}; the limit is 5000.`]);
});

test('aliases are counted across the document', () => {
  assert.deepEqual(errors('{ a: viewer { r: role } b: viewer { role } }', { maxDepth: 5, maxCost: 100, maxAliases: 3 }), []);
  assert.deepEqual(errors('{ a: viewer { r: role } b: viewer { s: role } }', { maxDepth: 5, maxCost: 100, maxAliases: 3 }), ['ALIAS_LIMIT']);
});

test('fragment cycles do not hang the measurement and are left to graphql-js to report', () => {
  const cyclic = '{ viewer { ...A } } fragment A on Viewer { role ...B } fragment B on Viewer { apiKey { id } ...A }';
  // Our rule alone: the cycle counts for nothing more (viewer + role + apiKey + id), nothing to report.
  assert.deepEqual(validate(schema, parse(cyclic), sut({ maxDepth: 5, maxCost: 100, maxAliases: 5 })), []);
  assert.equal(costOf(cyclic), 4);
  // With graphql-js's rules (ours after theirs, as Apollo runs them): the cycle is reported.
  const all = validate(schema, parse(cyclic), [...specifiedRules, ...sut({ maxDepth: 5, maxCost: 100, maxAliases: 5 })]);
  assert.deepEqual(all.map((e) => e.message), ['Cannot spread fragment "A" within itself via "B".']);
  // A fragment spreading itself, measured from two operations.
  const selfSpread = 'query One { viewer { ...S } } query Two { viewer { ...S } } fragment S on Viewer { role ...S }';
  assert.deepEqual(validate(schema, parse(selfSpread), sut({ maxDepth: 5, maxCost: 100, maxAliases: 5 })), []);
});
