/**
 * OpenSSF model signing at registration, through the real API: tenant admins register and revoke
 * signing keys (audited); an operator attaches a model_signing bundle to a READY version, checked
 * offline against the key and the uploaded files; every refusal stores nothing; a verified
 * signature appears in the version's attestations until its key is revoked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { verifyAttestation } from '../../src/attestations/crypto/attestation-token.ts';
import { MAX_BUNDLE_BYTES } from '../../src/registry/model-signing/oms-bundle.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/oms/${name}`, import.meta.url), 'utf8');
const PUBLIC_PEM = fixture('TEST-ONLY-p384-public-key.pem');
const SIGNED = fixture('mnist-cnn.model.sig');
const CNN_FILES = new Map(['model.json', 'weights.bin'].map((name) => [name, new Uint8Array(readFileSync(new URL(`../../fixtures/mnist-cnn/${name}`, import.meta.url)))]));

const REGISTER = `mutation($input: RegisterModelSigningKeyInput!) {
  registerModelSigningKey(input: $input) { signingKey { id name algorithm publicKeyPem publicKeySha256 createdAt revokedAt } userErrors { code message field } } }`;
const REVOKE = `mutation($id: ID!) { revokeModelSigningKey(input: { id: $id }) { signingKey { id revokedAt } withdrawnSignatures userErrors { code message } } }`;
const ATTACH = `mutation($input: AttachModelSignatureInput!) {
  attachModelSignature(input: $input) { modelVersion { id signature { format publicKeySha256 verifiedAt signingKey { id name } } } userErrors { code message field } } }`;
const SIGNATURE = `query($id: ID!) { modelVersion(id: $id) { signature { format publicKeySha256 verifiedAt signingKey { id } } } }`;
const KEYS = `query($active: Boolean) { modelSigningKeys(filter: { active: $active }) { totalCount edges { node { id name revokedAt } } } }`;

describe('OpenSSF model signing', () => {
  let api: TestApi;
  let tenant: { id: string; adminKey: string };
  let operator: string;
  let viewer: string;
  let versionId: string;
  let keyId: string;

  async function newVersion(label: string, upload: boolean): Promise<string> {
    const modelId = (await api.gql(`mutation($n: String!) { registerModel(input: { name: $n }) { model { id } } }`, { n: `digits-${label}` }, operator)).data.registerModel.model.id;
    const created = await api.gql(`mutation($m: ID!, $l: String!) { createModelVersion(input: { modelId: $m, label: $l }) { modelVersion { id uploadPath } } }`, { m: modelId, l: label }, operator);
    const version = created.data.createModelVersion.modelVersion;
    if (upload) assert.equal((await uploadFiles(api, operator, version.uploadPath, CNN_FILES)).status, 200);
    return version.id;
  }
  const attach = async (bundle: string, signingKeyId = keyId, modelVersionId = versionId, key = operator) =>
    (await api.gql(ATTACH, { input: { modelVersionId, signingKeyId, bundle } }, key)).data?.attachModelSignature;
  const signatureOf = async (id = versionId) => (await api.gql(SIGNATURE, { id }, viewer)).data.modelVersion.signature;
  const auditCount = async (action: string) =>
    (await api.gql(`query($a: String) { auditEvents(filter: { action: $a }) { totalCount } }`, { a: action }, tenant.adminKey)).data.auditEvents.totalCount;

  /** A CHALLENGE verification of the version, answered at once: its attestation's `fragmark` claims. */
  async function attestedClaims(): Promise<any> {
    const watermark = await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.id, { triggerCount: 4, modelVersionId: versionId });
    const created = await api.gql(`mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 2 }) { challenge { id } userErrors { code } } }`, { w: watermark.id }, operator);
    const answered = await api.gql(
      `mutation($c: ID!) { answerChallenge(input: { challengeId: $c, labels: [0, 0] }) { verification { attestation { token } } userErrors { code message } } }`,
      { c: created.data.createChallenge.challenge.id },
      operator,
    );
    const token = answered.data.answerChallenge.verification.attestation.token;
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    return (await verifyAttestation(token, jwks, { issuer: api.url })).payload.fragmark;
  }

  before(async () => {
    api = await startTestApi();
    tenant = await createTenant(api, 'Signers');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    viewer = (await createKey(api, tenant.adminKey, 'VIEWER')).secret;
    versionId = await newVersion('1.0.0', true);
  });
  after(() => api.close());

  test('a tenant admin registers a public key (audited); operators may not; a key is registered once', async () => {
    const forbidden = await api.gql(REGISTER, { input: { name: 'release', publicKeyPem: PUBLIC_PEM } }, operator);
    assert.equal(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    const registered = (await api.gql(REGISTER, { input: { name: ' release ', publicKeyPem: PUBLIC_PEM } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.deepEqual(registered.userErrors, []);
    const key = registered.signingKey;
    keyId = key.id;
    assert.equal(key.name, 'release');
    assert.equal(key.algorithm, 'ECDSA_P384');
    assert.equal(key.publicKeyPem, PUBLIC_PEM);
    const der = Buffer.from(PUBLIC_PEM.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.equal(key.publicKeySha256, createHash('sha256').update(der).digest('hex'));
    assert.equal(key.revokedAt, null);
    assert.equal(await auditCount('model_signing_key.register'), 1);

    const again = (await api.gql(REGISTER, { input: { name: 'copy', publicKeyPem: PUBLIC_PEM } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.equal(again.userErrors[0].code, 'MODEL_SIGNING_KEY_TAKEN');
    assert.match(again.userErrors[0].message, /already registered as "release"/);
    const listed = (await api.gql(KEYS, {}, viewer)).data.modelSigningKeys;
    assert.deepEqual(listed.edges.map((e: any) => e.node.id), [keyId], 'viewers may list the public keys');
  });

  test('a bad key is refused with the reason, and a pasted private key is never echoed or logged', async () => {
    const privatePem = fixture('TEST-ONLY-p384-private-key.pem');
    const refused = (await api.gql(REGISTER, { input: { name: 'oops', publicKeyPem: privatePem } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.equal(refused.userErrors[0].code, 'MODEL_SIGNING_KEY_INVALID');
    assert.deepEqual(refused.userErrors[0].field, ['input', 'publicKeyPem']);
    assert.match(refused.userErrors[0].message, /private key/);
    const secretLine = privatePem.split('\n')[1]!;
    assert.ok(!JSON.stringify(refused).includes(secretLine));
    assert.ok(!api.logs.some((line) => line.includes(secretLine)), 'the private key is not in the logs');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const wrongType = (await api.gql(REGISTER, { input: { name: 'rsa', publicKeyPem: rsa } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.match(wrongType.userErrors[0].message, /rsa key: accepted are ECDSA keys on P-256, P-384 or P-521 and Ed25519 keys/);
    const huge = (await api.gql(REGISTER, { input: { name: 'huge', publicKeyPem: PUBLIC_PEM + '#'.repeat(9000) } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.match(huge.userErrors[0].message, /longer than 8192 bytes/);
  });

  test('refused bundles store nothing: tampered, wrong key, other files, keyless, malformed, oversize, not READY', async () => {
    const otherPem = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const otherKey = (await api.gql(REGISTER, { input: { name: 'other', publicKeyPem: otherPem } }, tenant.adminKey)).data.registerModelSigningKey.signingKey.id;
    const tampered = JSON.parse(SIGNED);
    const statement = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString('utf8'));
    statement.subject[0].name = 'renamed';
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement, null, 2)).toString('base64');
    const awaiting = await newVersion('2.0.0', false);

    const cases: Array<[string, Promise<any>, string, RegExp]> = [
      ['payload edited', attach(JSON.stringify(tampered)), 'MODEL_SIGNATURE_INVALID', /altered, or signed with another key/],
      ['wrong key', attach(SIGNED, otherKey), 'MODEL_SIGNATURE_KEY_MISMATCH', /another key/],
      ['signature of other files', attach(fixture('mnist-resnet.model.sig')), 'MODEL_SIGNATURE_DIGEST_MISMATCH', /"model\.json" does not match the signature/],
      ['keyless', attach(fixture('mnist-cnn.keyless.model.sig')), 'MODEL_SIGNATURE_KEYLESS', /network/],
      ['not JSON', attach(SIGNED.slice(0, -1)), 'MODEL_SIGNATURE_MALFORMED', /not JSON/],
      ['oversize', attach(SIGNED + ' '.repeat(MAX_BUNDLE_BYTES)), 'MODEL_SIGNATURE_TOO_LARGE', /65536 bytes/],
      ['no artifact yet', attach(SIGNED, keyId, awaiting), 'VERSION_NOT_READY', /Upload the version's artifact first/],
      ['unknown key', attach(SIGNED, '00000000-0000-7000-8000-000000000000'), 'MODEL_SIGNING_KEY_NOT_FOUND', /No such model signing key/],
    ];
    for (const [what, result, code, message] of cases) {
      const payload = await result;
      assert.equal(payload.modelVersion, null, what);
      assert.equal(payload.userErrors[0]?.code, code, `${what}: ${JSON.stringify(payload.userErrors)}`);
      assert.match(payload.userErrors[0].message, message, what);
    }
    assert.equal(await signatureOf(), null);
    assert.equal(await auditCount('model_signature.attach'), 0);
    const row = await api.database.db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    assert.deepEqual([row.signatureKeyId, row.signaturePublicKeySha256, row.signatureVerifiedAt], [null, null, null]);
    await assert.rejects(
      api.database.db.modelVersion.update({ where: { id: versionId }, data: { signatureVerifiedAt: new Date() } }),
      /ModelVersion_signature_whole/,
      'the database refuses a signature recorded in part',
    );

    const byViewer = await api.gql(ATTACH, { input: { modelVersionId: versionId, signingKeyId: keyId, bundle: SIGNED } }, viewer);
    assert.equal(byViewer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(await signatureOf(), null);
  });

  test('a valid bundle is recorded on the version, audited, and signed into its attestations', async () => {
    const before = await attestedClaims();
    assert.equal(before.model.signature, undefined, 'no signature claim before one is verified');

    const attached = await attach(SIGNED);
    assert.deepEqual(attached.userErrors, []);
    const signature = attached.modelVersion.signature;
    const key = (await api.gql(KEYS, {}, viewer)).data.modelSigningKeys.edges.find((e: any) => e.node.id === keyId).node;
    assert.equal(signature.format, 'oms-v1.0');
    assert.equal(signature.signingKey.id, keyId);
    assert.deepEqual(await signatureOf(), { format: 'oms-v1.0', publicKeySha256: signature.publicKeySha256, verifiedAt: signature.verifiedAt, signingKey: { id: keyId } });
    assert.equal(await auditCount('model_signature.attach'), 1);
    const event = (await api.gql(`{ auditEvents(filter: { action: "model_signature.attach" }) { edges { node { recordId details } } } }`, {}, tenant.adminKey)).data.auditEvents.edges[0].node;
    assert.equal(event.recordId, versionId);
    assert.equal(JSON.parse(event.details).bundleSha256, createHash('sha256').update(SIGNED).digest('hex'));
    assert.ok(key);

    const claims = await attestedClaims();
    assert.deepEqual(claims.model.signature, {
      format: 'oms-v1.0',
      keyId,
      publicKeySha256: signature.publicKeySha256,
      digestsMatch: true,
      verifiedAt: signature.verifiedAt,
    });
  });

  test('another tenant sees neither the key nor the version, and cannot check with the key', async () => {
    const other = await createTenant(api, 'Elsewhere');
    const otherOperator = (await createKey(api, other.adminKey, 'OPERATOR')).secret;
    assert.equal((await api.gql(KEYS, {}, other.adminKey)).data.modelSigningKeys.totalCount, 0);
    const refused = await attach(SIGNED, keyId, versionId, otherOperator);
    assert.equal(refused.userErrors[0].code, 'MODEL_VERSION_NOT_FOUND');
  });

  test('revoking the key withdraws its signatures (audited): later attestations carry none, and it checks nothing more', async () => {
    const revoked = (await api.gql(REVOKE, { id: keyId }, tenant.adminKey)).data.revokeModelSigningKey;
    assert.deepEqual(revoked.userErrors, []);
    assert.ok(revoked.signingKey.revokedAt);
    assert.equal(revoked.withdrawnSignatures, 1);
    assert.equal(await signatureOf(), null);
    assert.equal(await auditCount('model_signing_key.revoke'), 1);
    const again = (await api.gql(REVOKE, { id: keyId }, tenant.adminKey)).data.revokeModelSigningKey;
    assert.deepEqual([again.signingKey.revokedAt, again.withdrawnSignatures], [revoked.signingKey.revokedAt, 0], 'revoking twice keeps the first revocation');
    assert.equal((await api.gql(KEYS, { active: true }, viewer)).data.modelSigningKeys.edges.some((e: any) => e.node.id === keyId), false);

    assert.equal((await attestedClaims()).model.signature, undefined);
    const refused = await attach(SIGNED);
    assert.equal(refused.userErrors[0].code, 'MODEL_SIGNING_KEY_REVOKED');
    assert.equal(await signatureOf(), null);
    const reRegistered = (await api.gql(REGISTER, { input: { name: 'back', publicKeyPem: PUBLIC_PEM } }, tenant.adminKey)).data.registerModelSigningKey;
    assert.match(reRegistered.userErrors[0].message, /revoked: a revoked key cannot be registered again/);
  });
});
