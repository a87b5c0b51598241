import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { omsStatement, signOmsStatement } from '../../../test/support/oms-signer.ts';
import type { Actor } from '../../auth/actor.ts';
import { buildManifest, manifestJson } from '../artifacts/artifact-manifest.ts';
import { MAX_BUNDLE_BYTES } from './oms-bundle.ts';
import { ModelSignaturesService } from './model-signatures.service.ts';
import { ModelSigningKeysService } from './model-signing-keys.service.ts';
import { ModelSigningRepository } from './model-signing.repository.ts';
import { scopeToTenant } from '../../db/tenant-scope.ts';

const oms = (name: string) => readFileSync(new URL(`../../../test/fixtures/oms/${name}`, import.meta.url), 'utf8');
const PUBLIC_PEM = oms('TEST-ONLY-p384-public-key.pem');
const SIGNED = oms('mnist-cnn.model.sig');
/** fixtures/mnist-cnn as an upload records it (its README is not uploaded, nor signed). */
const CNN = ['model.json', 'weights.bin'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(`../../../fixtures/mnist-cnn/${name}`, import.meta.url))) }));
const CNN_MANIFEST = buildManifest(CNN.map((f) => ({ name: f.name, sha256: createHash('sha256').update(f.bytes).digest('hex'), size: f.bytes.byteLength })));

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
let keyA: string;
const actor = (tenantId: string, role: Actor['role'] = 'OPERATOR'): Actor => ({ apiKeyId: randomUUID(), role, tenantId });
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const signing = (who: Actor | null) => (who ? new ModelSigningRepository(scopeToTenant(testDb.db, who.tenantId)) : null);
const sut = (who: Actor | null) => new ModelSignaturesService(signing(who), who);
const adminKeys = (tenantId: string) => {
  const admin = actor(tenantId, 'TENANT_ADMIN');
  return new ModelSigningKeysService(signing(admin), admin);
};
const registerKey = async (tenantId: string, name: string, publicKeyPem: string) =>
  (await adminKeys(tenantId).register({ name, publicKeyPem })).id;

/** A version of the tenant holding fixtures/mnist-cnn (READY), or awaiting its upload. */
async function version(tenantId: string, ready = true) {
  const model = await testDb.db.model.create({ data: { tenantId, name: `m-${randomUUID().slice(0, 8)}` } });
  return testDb.db.modelVersion.create({
    data: { tenantId, modelId: model.id, label: '1', ...(ready ? { status: 'READY', artifact: manifestJson(CNN_MANIFEST), artifactDigest: CNN_MANIFEST.digest } : {}) },
  });
}
const signatureOf = async (id: string) => {
  const row = await testDb.db.modelVersion.findUniqueOrThrow({ where: { id } });
  return [row.signatureKeyId, row.signaturePublicKeySha256, row.signatureVerifiedAt];
};
const attachAudits = (versionId: string) => testDb.db.auditEvent.findMany({ where: { recordId: versionId, action: 'model_signature.attach' }, orderBy: { id: 'asc' } });

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  keyA = await registerKey(tenantA, 'release', PUBLIC_PEM);
});
after(() => testDb.drop());

test('attach: an operator records a verified signature on a READY version, audited; a later one replaces it', async () => {
  const target = await version(tenantA);
  const operator = actor(tenantA);
  const now = new Date('2026-12-02T12:00:00Z');
  const signed = await sut(operator).attach({ modelVersionId: target.id, signingKeyId: keyA, bundle: SIGNED }, now);
  const key = await testDb.db.modelSigningKey.findUniqueOrThrow({ where: { id: keyA } });
  assert.deepEqual([signed.signatureKeyId, signed.signaturePublicKeySha256, signed.signatureVerifiedAt], [keyA, key.publicKeySha256, now]);
  const [audit] = await attachAudits(target.id);
  const details = audit!.details as Record<string, unknown>;
  assert.equal(audit!.actorApiKeyId, operator.apiKeyId);
  assert.deepEqual([details.signingKeyId, details.bundleSha256, details.files, details.replacedSigningKeyId], [keyA, createHash('sha256').update(SIGNED).digest('hex'), 2, null]);
  assert.ok(!JSON.stringify(details).includes(JSON.parse(SIGNED).dsseEnvelope.signatures[0].sig), 'the audit names the bundle by digest, not its contents');

  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const second = await registerKey(tenantA, 'second', pair.publicKey.export({ format: 'pem', type: 'spki' }) as string);
  const bundle = signOmsStatement(omsStatement(CNN, { modelName: 'mnist-cnn' }), pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  const replaced = await sut(actor(tenantA, 'TENANT_ADMIN')).attach({ modelVersionId: target.id, signingKeyId: second, bundle });
  assert.equal(replaced.signatureKeyId, second);
  assert.equal(((await attachAudits(target.id))[1]!.details as Record<string, unknown>).replacedSigningKeyId, keyA);
});

test('viewers, platform admins and anonymous callers are refused; nothing is recorded', async () => {
  const target = await version(tenantA);
  const input = { modelVersionId: target.id, signingKeyId: keyA, bundle: SIGNED };
  await assert.rejects(sut(actor(tenantA, 'VIEWER')).attach(input), { code: 'FORBIDDEN' });
  await assert.rejects(sut(PLATFORM).attach(input), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).attach(input), { code: 'UNAUTHENTICATED' });
  assert.deepEqual(await signatureOf(target.id), [null, null, null]);
  assert.equal((await attachAudits(target.id)).length, 0);
});

test("another tenant's versions and keys are not found; refusals keep the earlier signature and write no audit event", async () => {
  const target = await version(tenantA);
  await sut(actor(tenantA)).attach({ modelVersionId: target.id, signingKeyId: keyA, bundle: SIGNED });
  const before = await signatureOf(target.id);
  const keyB = await registerKey(tenantB, 'theirs', PUBLIC_PEM);
  const ownB = await version(tenantB);
  const awaiting = await version(tenantA, false);
  const revoked = await registerKey(tenantA, 'revoked', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }) as string);
  await adminKeys(tenantA).revoke(revoked);

  const operatorA = sut(actor(tenantA));
  const cases: Array<[string, () => Promise<unknown>, string, string[] | undefined]> = [
    ['B attaches to A\'s version', () => sut(actor(tenantB)).attach({ modelVersionId: target.id, signingKeyId: keyB, bundle: SIGNED }), 'MODEL_VERSION_NOT_FOUND', ['input', 'modelVersionId']],
    ['A uses B\'s key (same public key)', () => operatorA.attach({ modelVersionId: target.id, signingKeyId: keyB, bundle: SIGNED }), 'MODEL_SIGNING_KEY_NOT_FOUND', ['input', 'signingKeyId']],
    ['B uses A\'s key on its own version', () => sut(actor(tenantB)).attach({ modelVersionId: ownB.id, signingKeyId: keyA, bundle: SIGNED }), 'MODEL_SIGNING_KEY_NOT_FOUND', ['input', 'signingKeyId']],
    ['unknown version', () => operatorA.attach({ modelVersionId: 'not-a-uuid', signingKeyId: keyA, bundle: SIGNED }), 'MODEL_VERSION_NOT_FOUND', ['input', 'modelVersionId']],
    ['unknown key', () => operatorA.attach({ modelVersionId: target.id, signingKeyId: 'not-a-uuid', bundle: SIGNED }), 'MODEL_SIGNING_KEY_NOT_FOUND', ['input', 'signingKeyId']],
    ['revoked key', () => operatorA.attach({ modelVersionId: target.id, signingKeyId: revoked, bundle: SIGNED }), 'MODEL_SIGNING_KEY_REVOKED', ['input', 'signingKeyId']],
    ['no artifact yet', () => operatorA.attach({ modelVersionId: awaiting.id, signingKeyId: keyA, bundle: SIGNED }), 'VERSION_NOT_READY', ['input', 'modelVersionId']],
    ['other files', () => operatorA.attach({ modelVersionId: target.id, signingKeyId: keyA, bundle: oms('mnist-resnet.model.sig') }), 'MODEL_SIGNATURE_DIGEST_MISMATCH', undefined],
    ['oversize', () => operatorA.attach({ modelVersionId: target.id, signingKeyId: keyA, bundle: SIGNED + ' '.repeat(MAX_BUNDLE_BYTES) }), 'MODEL_SIGNATURE_TOO_LARGE', undefined],
  ];
  for (const [what, attempt, code, field] of cases) {
    await assert.rejects(attempt(), (e: Error & { code?: string; field?: string[] }) => {
      assert.equal(e.code, code, `${what}: ${e.message}`);
      if (field) assert.deepEqual(e.field, field, what);
      return true;
    }, what);
  }
  assert.deepEqual(await signatureOf(target.id), before, 'the earlier signature stays');
  assert.deepEqual(await signatureOf(ownB.id), [null, null, null]);
  assert.equal((await attachAudits(target.id)).length, 1, 'only the accepted attach was audited');
  assert.equal(await testDb.db.auditEvent.count({ where: { tenantId: tenantB, action: 'model_signature.attach' } }), 0);
});
