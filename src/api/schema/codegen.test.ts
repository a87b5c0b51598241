import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isObjectType } from 'graphql';
import { buildSchema } from '../graphql-server.ts';
import { resolvers } from '../resolvers/index.ts';
import { GENERATED_TYPES_PATH, generateGraphQLTypes as sut } from './codegen.ts';

test('src/api/generated/graphql.ts matches schema.graphql (run npm run gql:generate)', async () => {
  assert.equal(readFileSync(GENERATED_TYPES_PATH, 'utf8'), await sut());
});

test('every Query and Mutation field has a resolver', () => {
  const schema = buildSchema();
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    assert.ok(isObjectType(root));
    const implemented = (resolvers as Record<string, Record<string, unknown>>)[root.name] ?? {};
    for (const field of Object.keys(root.getFields())) {
      assert.equal(typeof implemented[field], 'function', `${root.name}.${field} has no resolver`);
    }
  }
});

test('every type and field in schema.graphql has a description', () => {
  const schema = buildSchema();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    assert.ok(type.description, `type ${type.name} has no description`);
    if ('getFields' in type) {
      for (const field of Object.values(type.getFields())) assert.ok(field.description, `${type.name}.${field.name} has no description`);
    }
  }
});
