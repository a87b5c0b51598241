/**
 * `fragmark signing-keys register|list|revoke` and `fragmark models attach-signature` against a
 * real server, with the committed model_signing-style fixtures (test/fixtures/oms).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/oms/', import.meta.url));
const MODEL = fileURLToPath(new URL('../../fixtures/mnist-cnn', import.meta.url));
let api: TestApi;
let admin: string;
let operator: string;

const cli = (args: string[], key: string) => runCli(args, { FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key });

before(async () => {
  api = await startTestApi();
  const tenant = await createTenant(api, 'Cli signers');
  admin = tenant.adminKey;
  operator = (await createKey(api, admin, 'OPERATOR')).secret;
});
after(() => api.close());

test('register a key, push a model, attach its signature, list and revoke, with --json', async () => {
  const registered = await cli(['signing-keys', 'register', 'release', `${FIXTURES}TEST-ONLY-p384-public-key.pem`, '--json'], admin);
  assert.equal(registered.code, 0, registered.stderr + registered.stdout);
  const signingKey = JSON.parse(registered.stdout).signingKey;
  assert.equal(signingKey.algorithm, 'ECDSA_P384');

  const modelId = (await api.gql(`mutation { registerModel(input: { name: "signed" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
  const push = await cli(['models', 'push', modelId, MODEL, '--version', '1.0.0', '--json'], operator);
  assert.equal(push.code, 0, push.stderr);
  const versionId = JSON.parse(push.stdout).modelVersion.id;

  const wrongFiles = await cli(['models', 'attach-signature', versionId, `${FIXTURES}mnist-resnet.model.sig`, '--signing-key', signingKey.id], operator);
  assert.equal(wrongFiles.code, 1);
  assert.match(wrongFiles.stderr, /MODEL_SIGNATURE_DIGEST_MISMATCH: The file "model\.json" does not match the signature/);

  const attached = await cli(['models', 'attach-signature', versionId, `${FIXTURES}mnist-cnn.model.sig`, '--signing-key', signingKey.id, '--json'], operator);
  assert.equal(attached.code, 0, attached.stderr + attached.stdout);
  const signature = JSON.parse(attached.stdout).modelVersion.signature;
  assert.deepEqual([signature.format, signature.signingKey.id, signature.publicKeySha256], ['oms-v1.0', signingKey.id, signingKey.publicKeySha256]);

  const human = await cli(['signing-keys', 'list'], operator);
  assert.equal(human.code, 0);
  assert.match(human.stderr, new RegExp(`${signingKey.id}  ECDSA_P384 .* release`));

  const revoked = await cli(['signing-keys', 'revoke', signingKey.id, '--json'], admin);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(JSON.parse(revoked.stdout).withdrawnSignatures, 1);
  const active = JSON.parse((await cli(['signing-keys', 'list', '--json'], operator)).stdout);
  assert.equal(active.totalCount, 0);
  const all = JSON.parse((await cli(['signing-keys', 'list', '--all', '--json'], operator)).stdout);
  assert.ok(all.signingKeys[0].revokedAt);
});

test('usage errors exit 2 and name what is missing', async () => {
  const noKey = await cli(['models', 'attach-signature', 'v', `${FIXTURES}mnist-cnn.model.sig`], operator);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /--signing-key <signingKeyId>/);
  const typo = await cli(['models', 'attach-signature', 'v', 'model.sig', '--signing-kye', 'k'], operator);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /does not take --signing-kye; it takes .*--signing-key/);
  const missing = await cli(['signing-keys', 'register', 'x', '/nonexistent/key.pem'], admin);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read the public key \/nonexistent\/key\.pem: ENOENT/);
});
