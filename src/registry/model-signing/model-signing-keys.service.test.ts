import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Actor } from '../../auth/actor.ts';
import { ModelSigningKeysService } from './model-signing-keys.service.ts';
import { ModelSigningRepository } from './model-signing.repository.ts';
import { scopeToTenant } from '../../db/tenant-scope.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
const actor = (tenantId: string, role: Actor['role'] = 'TENANT_ADMIN'): Actor => ({ apiKeyId: randomUUID(), role, tenantId });
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const sut = (who: Actor | null) => new ModelSigningKeysService(who ? new ModelSigningRepository(scopeToTenant(testDb.db, who.tenantId)) : null, who);
const newPem = (curve = 'P-256') => generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
const spkiSha256 = (pem: string) => createHash('sha256').update(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');

/** A READY version of the tenant whose signature was verified with `keyId`. */
async function signedVersion(tenantId: string, keyId: string, sha256: string) {
  const model = await testDb.db.model.create({ data: { tenantId, name: `m-${randomUUID().slice(0, 8)}` } });
  return testDb.db.modelVersion.create({
    data: { tenantId, modelId: model.id, label: '1', status: 'READY', signatureKeyId: keyId, signaturePublicKeySha256: sha256, signatureVerifiedAt: new Date() },
  });
}

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test('register: tenant admins only, name and key checked, stored with its SPKI SHA-256, audited; a key once per tenant', async () => {
  const pem = newPem('P-384');
  const admin = actor(tenantA);
  const key = await sut(admin).register({ name: ' release ', publicKeyPem: pem });
  assert.deepEqual([key.tenantId, key.name, key.algorithm, key.publicKeySha256, key.revokedAt], [tenantA, 'release', 'ECDSA_P384', spkiSha256(pem), null]);
  const audit = await testDb.db.auditEvent.findFirstOrThrow({ where: { recordId: key.id, action: 'model_signing_key.register' } });
  assert.deepEqual([audit.tenantId, audit.actorApiKeyId, (audit.details as { publicKeySha256: string }).publicKeySha256], [tenantA, admin.apiKeyId, spkiSha256(pem)]);

  for (const role of ['OPERATOR', 'VIEWER'] as const) {
    await assert.rejects(sut(actor(tenantA, role)).register({ name: 'x', publicKeyPem: newPem() }), { code: 'FORBIDDEN' }, role);
  }
  await assert.rejects(sut(PLATFORM).register({ name: 'x', publicKeyPem: newPem() }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).register({ name: 'x', publicKeyPem: newPem() }), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(admin).register({ name: '  ', publicKeyPem: newPem() }), { code: 'MODEL_SIGNING_KEY_INVALID', field: ['input', 'name'] });
  await assert.rejects(sut(admin).register({ name: 'n'.repeat(101), publicKeyPem: newPem() }), { code: 'MODEL_SIGNING_KEY_INVALID', field: ['input', 'name'] });
  await assert.rejects(sut(admin).register({ name: 'junk', publicKeyPem: 'not a key' }), { code: 'MODEL_SIGNING_KEY_INVALID', field: ['input', 'publicKeyPem'] });
  await assert.rejects(sut(admin).register({ name: 'copy', publicKeyPem: pem }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'MODEL_SIGNING_KEY_TAKEN');
    assert.match(e.message, /already registered as "release"\.$/);
    return true;
  });
  assert.equal((await sut(actor(tenantB)).register({ name: 'theirs', publicKeyPem: pem })).tenantId, tenantB, 'another tenant may trust the same key');
  assert.equal(await testDb.db.modelSigningKey.count({ where: { tenantId: tenantA } }), 1, 'refusals stored nothing');
});

test("another tenant's keys are not found, not revocable and never listed; viewers read but do not revoke", async () => {
  const keyA = await sut(actor(tenantA)).register({ name: 'a-only', publicKeyPem: newPem() });
  const adminB = sut(actor(tenantB));
  assert.equal(await adminB.get(keyA.id), null);
  assert.equal(await adminB.get('not-a-uuid'), null);
  await assert.rejects(adminB.revoke(keyA.id), { code: 'MODEL_SIGNING_KEY_NOT_FOUND', field: ['input', 'id'] });
  assert.equal((await testDb.db.modelSigningKey.findUniqueOrThrow({ where: { id: keyA.id } })).revokedAt, null);
  const listedB = await adminB.list({ first: 100 });
  assert.ok(listedB.items.every((k) => k.tenantId === tenantB));
  assert.equal(listedB.totalCount, await testDb.db.modelSigningKey.count({ where: { tenantId: tenantB } }));

  const viewer = sut(actor(tenantA, 'VIEWER'));
  assert.equal((await viewer.get(keyA.id))?.id, keyA.id, 'public keys are not secret');
  assert.ok((await viewer.list({ first: 100 })).items.some((k) => k.id === keyA.id));
  await assert.rejects(viewer.revoke(keyA.id), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actor(tenantA, 'OPERATOR')).revoke(keyA.id), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).list({ first: 10 }), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(PLATFORM).list({ first: 10 }), { code: 'FORBIDDEN' });
});

test('revoke withdraws the signatures the key verified, once, audited; a revoked key cannot come back; lists filter by state', async () => {
  const pem = newPem();
  const admin = actor(tenantA);
  const key = await sut(admin).register({ name: 'to-revoke', publicKeyPem: pem });
  const kept = await sut(admin).register({ name: 'kept', publicKeyPem: newPem() });
  const signed = await signedVersion(tenantA, key.id, key.publicKeySha256);
  const other = await signedVersion(tenantA, kept.id, kept.publicKeySha256);

  const now = new Date('2026-12-02T12:00:00Z');
  const revoked = await sut(admin).revoke(key.id, now);
  assert.deepEqual([revoked.signingKey.revokedAt, revoked.withdrawnSignatures], [now, 1]);
  const version = await testDb.db.modelVersion.findUniqueOrThrow({ where: { id: signed.id } });
  assert.deepEqual([version.signatureKeyId, version.signaturePublicKeySha256, version.signatureVerifiedAt], [null, null, null]);
  assert.equal((await testDb.db.modelVersion.findUniqueOrThrow({ where: { id: other.id } })).signatureKeyId, kept.id, "another key's signature stays");
  const audit = await testDb.db.auditEvent.findFirstOrThrow({ where: { recordId: key.id, action: 'model_signing_key.revoke' } });
  assert.deepEqual([audit.actorApiKeyId, (audit.details as { withdrawnSignatures: number }).withdrawnSignatures], [admin.apiKeyId, 1]);

  const again = await sut(admin).revoke(key.id, new Date('2027-01-01T00:00:00Z'));
  assert.deepEqual([again.signingKey.revokedAt, again.withdrawnSignatures], [now, 0], 'revoking twice keeps the first time');
  assert.equal(await testDb.db.auditEvent.count({ where: { recordId: key.id, action: 'model_signing_key.revoke' } }), 1);
  await assert.rejects(sut(admin).register({ name: 'back', publicKeyPem: pem }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'MODEL_SIGNING_KEY_TAKEN');
    assert.match(e.message, /revoked key cannot be registered again/);
    return true;
  });

  const names = async (active: boolean | null) => (await sut(actor(tenantA, 'VIEWER')).list({ first: 100 }, { active })).items.map((k) => k.name);
  assert.ok((await names(true)).includes('kept') && !(await names(true)).includes('to-revoke'));
  assert.deepEqual(await names(false), ['to-revoke']);
  assert.ok((await names(null)).includes('to-revoke'));
});
