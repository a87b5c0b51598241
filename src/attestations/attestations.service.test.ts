import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedReadyWatermark } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import { TENANT_DELETED_REASON } from '../tenants/tenant-guard.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { Vault } from '../vault/vault.ts';
import { AttestationIssuer } from './attestation-issuer.ts';
import { AttestationsService } from './attestations.service.ts';
import { AttestationsRepository } from './attestations.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let testDb: TestDatabase;
let vault: Vault;
let issuer: AttestationIssuer;
let tenantA: string;
let tenantB: string;
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const actor = (tenantId: string, role: Actor['role'] = 'VIEWER'): Actor => ({ apiKeyId: randomUUID(), role, tenantId });
const sut = (who: Actor | null) => new AttestationsService(new AttestationsRepository(testDb.db, who?.tenantId ? scopeToTenant(testDb.db, who.tenantId) : null), issuer, who);
const HOUR = 3_600_000;

/** A completed verification of the tenant and its attestation row, as the issuer records them. */
async function attested(tenantId: string, fields: { revokedAt?: Date; revokedReason?: string } = {}) {
  const watermark = await seedReadyWatermark({ db: testDb.db, vault }, tenantId, { triggerCount: 2 });
  const verification = await testDb.db.verification.create({
    data: { tenantId, modelVersionId: watermark.modelVersionId, watermarkId: watermark.id, mode: 'CHALLENGE', verdict: 'INTACT', policy: { kind: 'strict' }, completedAt: new Date() },
  });
  const issuedAt = new Date();
  const attestation = await testDb.db.attestation.create({
    data: { jti: randomUUID(), tenantId, verificationId: verification.id, kid: 'kid', token: 'header.payload.signature', issuedAt, expiresAt: new Date(issuedAt.getTime() + HOUR), ...fields },
  });
  return { verification, attestation };
}

before(async () => {
  testDb = await createTestDatabase();
  await sodiumReady();
  vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  await vault.ensurePlatformKeyring();
  issuer = new AttestationIssuer(testDb.db, vault, { issuer: 'https://fragmark.test', ttlSeconds: 3600 });
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test('status is public: unknown tokens are not known, standing ones are not revoked, revoked ones say why and when', async () => {
  const anyone = sut(null);
  const unknown = randomUUID();
  assert.deepEqual(await anyone.status(unknown), { jti: unknown, known: false, revoked: false, reason: null, revokedAt: null, expiresAt: null });
  assert.deepEqual(await anyone.status('not-a-uuid'), { jti: 'not-a-uuid', known: false, revoked: false, reason: null, revokedAt: null, expiresAt: null });

  const { attestation } = await attested(tenantA);
  assert.deepEqual(await anyone.status(attestation.jti), { jti: attestation.jti, known: true, revoked: false, reason: null, revokedAt: null, expiresAt: attestation.expiresAt });

  const at = new Date('2026-12-01T10:00:00Z');
  const withReason = (await attested(tenantA, { revokedAt: at, revokedReason: 'Key leaked.' })).attestation;
  assert.deepEqual(await anyone.status(withReason.jti), { jti: withReason.jti, known: true, revoked: true, reason: 'Key leaked.', revokedAt: at, expiresAt: withReason.expiresAt });
  const without = (await attested(tenantA, { revokedAt: at })).attestation;
  assert.deepEqual([(await anyone.status(without.jti)).reason, (await anyone.status(without.jti)).revokedAt], ['Revoked by its tenant.', at]);
});

test("a deleted tenant's tokens are all revoked, dated at the deletion; a purged tenant's too, without a date", async () => {
  const tenant = (await testDb.db.tenant.create({ data: { name: 'Leaving', slug: 'leaving' } })).id;
  const earlier = new Date('2026-11-01T00:00:00Z');
  const standing = (await attested(tenant)).attestation;
  const revokedBefore = (await attested(tenant, { revokedAt: earlier, revokedReason: 'Superseded.' })).attestation;
  const deletedAt = new Date('2026-12-02T12:00:00Z');
  await testDb.db.tenant.update({ where: { id: tenant }, data: { deletedAt } });

  const status = await sut(null).status(standing.jti);
  assert.deepEqual([status.revoked, status.reason, status.revokedAt], [true, TENANT_DELETED_REASON, deletedAt]);
  const kept = await sut(null).status(revokedBefore.jti);
  assert.deepEqual([kept.reason, kept.revokedAt], ['Superseded.', earlier], 'an earlier revocation keeps its own reason and time');

  const purged = (await attested(tenantB)).attestation;
  await testDb.db.$executeRawUnsafe(`UPDATE "Attestation" SET "tenantId" = $1::uuid WHERE jti = $2::uuid`, randomUUID(), purged.jti);
  const orphan = await sut(null).status(purged.jti);
  assert.deepEqual([orphan.revoked, orphan.reason, orphan.revokedAt], [true, TENANT_DELETED_REASON, null]);
});

test("forVerification gives the caller's own attestation; another tenant's verification id gives nothing", async () => {
  const { verification, attestation } = await attested(tenantA);
  assert.equal((await sut(actor(tenantA)).forVerification(verification.id))?.jti, attestation.jti);
  assert.equal(await sut(actor(tenantB, 'TENANT_ADMIN')).forVerification(verification.id), null);
  assert.equal(await sut(PLATFORM).forVerification(verification.id), null);
  assert.equal(await sut(null).forVerification(verification.id), null);
  const unattested = await testDb.db.verification.create({
    data: { tenantId: tenantA, modelVersionId: verification.modelVersionId, watermarkId: verification.watermarkId, mode: 'ARTIFACT', policy: { kind: 'strict' } },
  });
  assert.equal(await sut(actor(tenantA)).forVerification(unattested.id), null);
});

test('rotateSigningKey: platform admins only; the new key is active and published, the old one retired, its private half sealed and audited', async () => {
  await issuer.ensureSigningKey();
  const previous = await testDb.db.signingKey.findFirstOrThrow({ where: { retiredAt: null } });
  await assert.rejects(sut(actor(tenantA, 'TENANT_ADMIN')).rotateSigningKey(), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).rotateSigningKey(), { code: 'UNAUTHENTICATED' });
  assert.equal(await testDb.db.signingKey.count(), 1, 'refusals rotate nothing');

  const { kid } = await sut(PLATFORM).rotateSigningKey();
  assert.notEqual(kid, previous.kid);
  const active = await testDb.db.signingKey.findMany({ where: { retiredAt: null } });
  assert.deepEqual(active.map((k) => k.kid), [kid]);
  assert.ok((await testDb.db.signingKey.findUniqueOrThrow({ where: { kid: previous.kid } })).retiredAt);
  assert.ok((await issuer.jwks()).keys.some((k) => k.kid === kid));

  const sealed = await testDb.db.vaultSecret.findFirstOrThrow({ where: { keyringId: 'platform', purpose: 'signing-key', recordId: kid } });
  assert.equal(sealed.tenantId, null);
  const privateKey = await vault.unseal({ tenantId: null, purpose: 'signing-key', recordId: kid }, { apiKeyId: null });
  assert.ok(privateKey.length > 0);
  assert.ok(!Buffer.from(sealed.ciphertext).includes(Buffer.from(privateKey)), 'the private key is stored sealed, never plain');
  const seal = await testDb.db.auditEvent.findFirstOrThrow({ where: { action: 'vault.seal', purpose: 'signing-key', recordId: kid } });
  assert.deepEqual([seal.tenantId, seal.actorApiKeyId], [null, PLATFORM.apiKeyId]);
});

test("revoke: an operator withdraws the tenant's own attestation with a bounded reason; another tenant's is not found; viewers cannot", async () => {
  const { attestation } = await attested(tenantA);
  await assert.rejects(sut(actor(tenantB, 'OPERATOR')).revoke(attestation.jti, 'not yours'), { code: 'ATTESTATION_NOT_FOUND' });
  await assert.rejects(sut(actor(tenantA, 'VIEWER')).revoke(attestation.jti, null), { code: 'FORBIDDEN' });
  await assert.rejects(sut(PLATFORM).revoke(attestation.jti, null), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).revoke(attestation.jti, null), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(actor(tenantA, 'OPERATOR')).revoke(attestation.jti, 'x'.repeat(501)), { code: 'INVALID_ATTESTATION_INPUT' });
  await assert.rejects(sut(actor(tenantA, 'OPERATOR')).revoke('not-a-uuid', null), { code: 'ATTESTATION_NOT_FOUND' });
  assert.equal((await testDb.db.attestation.findUniqueOrThrow({ where: { jti: attestation.jti } })).revokedAt, null, 'refusals revoke nothing');

  const revoked = await sut(actor(tenantA, 'OPERATOR')).revoke(attestation.jti, 'key leaked');
  assert.deepEqual([revoked.revokedReason, revoked.revokedAt !== null], ['key leaked', true]);
  assert.deepEqual([(await sut(null).status(attestation.jti)).revoked, (await sut(null).status(attestation.jti)).reason], [true, 'key leaked']);
});
