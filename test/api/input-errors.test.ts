/**
 * Input the database cannot take (NUL characters, year 0000, ids that are no UUIDs) is the
 * client's mistake: a user error, never "Internal server error" (real HTTP, real PostgreSQL).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant, startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let tenantKey: string;
before(async () => {
  api = await startTestApi();
  tenantKey = (await createTenant(api, 'Inputs')).adminKey;
});
after(() => api.close());

function assertNoInternalErrors() {
  const unexpected = api.logs.filter((line) => line.includes('unexpected error'));
  assert.deepEqual(unexpected, [], 'nothing reached the database and failed there');
}

test('NUL characters and unpaired surrogates in strings are BAD_USER_INPUT, in variables and literals', async () => {
  const viaVariable = await api.gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code } } }', {
    input: { name: 'Acme\u0000Evil' },
  });
  assert.equal(viaVariable.status, 400);
  assert.equal(viaVariable.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(viaVariable.errors![0]!.message, /Variable \$input\.name contains a NUL character/);

  const nested = await api.gql('mutation($tags: [String!]) { registerModel(input: { name: "m", tags: $tags }) { model { id } } }', { tags: ['ok', 'b\u0000d'] }, tenantKey);
  assert.equal(nested.status, 400);
  assert.match(nested.errors![0]!.message, /Variable \$tags\[1\] contains a NUL character/);

  const literal = await api.gql('{ models(filter: { name: "a\\u0000" }) { totalCount } }', undefined, tenantKey);
  assert.equal(literal.status, 400);
  assert.equal(literal.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.deepEqual((literal.errors![0] as { locations?: unknown }).locations, [{ line: 1, column: 26 }]);

  const audit = await api.gql('query($a: String) { auditEvents(filter: { action: $a }) { totalCount } }', { a: 'vault.\u0000' }, tenantKey);
  assert.equal(audit.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

  const surrogate = await api.gql('mutation($n: String!) { createApiKey(input: { name: $n, role: VIEWER }) { secret } }', { n: 'key \ud800' }, tenantKey);
  assert.equal(surrogate.status, 400);
  assert.match(surrogate.errors![0]!.message, /unpaired UTF-16 surrogate/);
  assertNoInternalErrors();
});

test('DateTime year 0000 and impossible dates are user errors', async () => {
  const variable = await api.gql('query($s: DateTime) { auditEvents(filter: { since: $s }) { totalCount } }', { s: '0000-01-01T00:00:00Z' }, tenantKey);
  assert.equal(variable.status, 400);
  assert.equal(variable.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(variable.errors![0]!.message, /outside the years 0001 to 9999/);

  // Literals are checked while validating the document, as for every scalar.
  const literal = await api.gql('{ verifications(filter: { until: "0000-06-01T00:00:00Z" }) { totalCount } }', undefined, tenantKey);
  assert.equal(literal.status, 400);
  assert.equal(literal.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  assert.match(literal.errors![0]!.message, /outside the years 0001 to 9999/);

  const rolledOver = await api.gql('mutation($e: DateTime) { createApiKey(input: { name: "k", role: VIEWER, expiresAt: $e }) { secret } }', { e: '2031-02-30T00:00:00Z' }, tenantKey);
  assert.equal(rolledOver.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(rolledOver.errors![0]!.message, /not a date and time of the calendar/);

  const fine = await api.gql('query($s: DateTime) { auditEvents(filter: { since: $s }) { totalCount } }', { s: '0001-01-01T00:00:00Z' }, tenantKey);
  assert.equal(fine.errors, undefined);
  assertNoInternalErrors();
});

test('ids that are no UUIDs in filters and inputs are user errors', async () => {
  for (const field of ['modelId', 'modelVersionId']) {
    const result = await api.gql(`query($id: ID) { verifications(filter: { ${field}: $id }) { totalCount } }`, { id: 'not-a-uuid' }, tenantKey);
    assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(result));
    assert.equal(result.errors![0]!.message, `filter.${field} is not a valid id.`);
  }
  const created = await api.gql('mutation { createApiKey(input: { name: "k", role: VIEWER, tenantId: "nope" }) { secret userErrors { code field } } }');
  assert.deepEqual(created.data.createApiKey.userErrors, [{ code: 'TENANT_NOT_FOUND', field: ['input', 'tenantId'] }]);
  assertNoInternalErrors();
});
