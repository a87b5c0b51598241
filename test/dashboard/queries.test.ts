/**
 * The dashboard's GraphQL documents are valid against the schema and within the server's
 * default query limits, and none asks for trigger data (secrets never reach the browser).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { buildSchema } from '../../src/api/graphql-server.ts';
import { queryLimitRules } from '../../src/api/limits/query-limits.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ALL_DOCUMENTS } from '../../dashboard/src/queries.ts';

const schema = buildSchema();
const limits = loadConfig({ DATABASE_URL: 'postgres://unused@localhost/unused' }).graphql;

for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
  test(`${name} is valid and within the default query limits`, () => {
    const errors = validate(schema, parse(document), queryLimitRules(limits)).map((e) => e.message);
    assert.deepEqual(errors, []);
  });
}

test('no document asks for triggers, labels or challenges', () => {
  for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
    assert.doesNotMatch(document, /\b(triggers|labels|createChallenge|answerChallenge|revealedIndices)\b/, name);
  }
});
