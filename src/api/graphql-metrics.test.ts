import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type OperationDefinitionNode } from 'graphql';
import { buildSchema } from './graphql-server.ts';
import { rootFieldLabel } from './graphql-metrics.ts';

const schema = buildSchema();
const label = (document: string) => rootFieldLabel(parse(document).definitions[0] as OperationDefinitionNode, schema);

test('the operation label is a root field of the schema, never a name the client chose', () => {
  assert.equal(label('query ClientChosenName { viewer { __typename } }'), 'viewer');
  assert.equal(label('mutation { renamed: verifyModel(input: {}) { __typename } }'), 'verifyModel', 'aliases do not count');
  assert.equal(label('{ __typename viewer { __typename } }'), 'viewer');
  assert.equal(label('{ viewer { __typename } models { totalCount } }'), 'multiple');
  assert.equal(label('{ noSuchField }'), 'unknown');
  assert.equal(label('mutation { viewer { __typename } }'), 'unknown', 'a query field in a mutation');
  assert.equal(label('{ ...F } fragment F on Query { viewer { __typename } }'), 'unknown');
});
