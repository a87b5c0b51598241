import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { buildSchema } from '../graphql-server.ts';
import { queryLimitRules as sut } from './query-limits.ts';

const schema = buildSchema();
const errors = (query: string, limits = { maxDepth: 5, maxCost: 1000, maxAliases: 5 }) =>
  validate(schema, parse(query), sut(limits)).map((e) => e.extensions.reason);

test('depth counts nested fields through fragments and inline fragments', () => {
  assert.deepEqual(errors('{ viewer { apiKey { id } } }', { maxDepth: 3, maxCost: 1000, maxAliases: 5 }), []);
  assert.deepEqual(errors('{ viewer { apiKey { id } } }', { maxDepth: 2, maxCost: 1000, maxAliases: 5 }), ['DEPTH_LIMIT']);
  const viaFragments = 'query { viewer { ...V } } fragment V on Viewer { ... on Viewer { apiKey { id } } }';
  assert.deepEqual(errors(viaFragments, { maxDepth: 2, maxCost: 1000, maxAliases: 5 }), ['DEPTH_LIMIT']);
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

test('aliases are counted across the document', () => {
  assert.deepEqual(errors('{ a: viewer { r: role } b: viewer { role } }', { maxDepth: 5, maxCost: 100, maxAliases: 3 }), []);
  assert.deepEqual(errors('{ a: viewer { r: role } b: viewer { s: role } }', { maxDepth: 5, maxCost: 100, maxAliases: 3 }), ['ALIAS_LIMIT']);
});

test('fragment cycles do not hang the measurement', () => {
  const result = validate(schema, parse('{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }'), sut({ maxDepth: 5, maxCost: 100, maxAliases: 5 }));
  assert.ok(result.length >= 0);
});
