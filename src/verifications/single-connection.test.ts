/**
 * One request, one pooled connection (security issue #16, item 7): on a pool of exactly one
 * connection, with a short wait for it, every step of a challenge (create: the trigger set unsealed
 * in the transaction; answer: the attestation signed with a key first made and unsealed in the
 * transaction) completes. A call on the root client inside a transaction would wait for a second
 * connection that never comes and fail with a pool timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabaseClient, type Database } from '../db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedReadyWatermark } from '../../test/support/watermark.ts';
import { Vault } from '../vault/vault.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { decodeTriggerSet } from '../engine/index.ts';
import { ChallengesService } from './challenges.service.ts';
import { ChallengesRepository } from './challenges.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let testDb: TestDatabase;
let db: Database;
let vault: Vault;
let tenantId: string;

before(async () => {
  testDb = await createTestDatabase();
  db = createDatabaseClient(testDb.url, { poolSize: 1, acquireTimeoutMs: 3000 });
  await sodiumReady();
  vault = new Vault(db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  tenantId = (await db.tenant.create({ data: { name: 'One connection', slug: 'one-connection' } })).id;
});
after(async () => {
  await db.$disconnect();
  await testDb.drop();
});

test('createChallenge and answerChallenge complete on a pool of one connection', async () => {
  const watermark = await seedReadyWatermark({ db, vault }, tenantId, { triggerCount: 8 });
  const sealed = await vault.unseal({ tenantId, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: null });
  const keyLabels = decodeTriggerSet(sealed).labels;
  const actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'OPERATOR' as const, tenantId };
  // Each answer with a fresh issuer (nothing cached): the first makes the signing key inside its
  // transaction, the second unseals the existing key there.
  for (const round of ['no signing key yet', 'a signing key to unseal']) {
    const issuer = new AttestationIssuer(db, vault, { issuer: 'http://fragmark.test', ttlSeconds: 3600 });
    const sut = new ChallengesService(new ChallengesRepository(scopeToTenant(db, tenantId), db), vault, issuer, { maxRevealedShare: 0.5, maxSize: 2, maxTtlSeconds: 3600 }, actor);

    const created = await sut.createChallenge({ watermarkId: watermark.id, size: 2 });
    assert.equal(created.challenge.triggerIndices.length, 2, round);
    const verification = await sut.answerChallenge(created.challenge.id, created.challenge.triggerIndices.map((i) => keyLabels[i]!));
    assert.equal(verification.verdict, 'INTACT', round);
    assert.equal(await db.attestation.count({ where: { verificationId: verification.id } }), 1, round);
  }
  assert.equal(await db.signingKey.count(), 1);
});
