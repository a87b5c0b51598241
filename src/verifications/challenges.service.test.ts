import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { actorOf, startServiceFixture, type ServiceFixture } from '../../test/support/service-fixture.ts';
import { seedReadyWatermark } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import type { Watermark } from '../db/generated/client.ts';
import { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { ChallengesService } from './challenges.service.ts';
import { ChallengesRepository } from './challenges.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let f: ServiceFixture;
let issuer: AttestationIssuer;
let tenantA: string;
let tenantB: string;
/** READY, 40 triggers; its key labels are index % 4 (test/support/watermark.ts). */
let watermark: Watermark;
const CHALLENGES = { maxRevealedShare: 0.5, maxSize: 10, maxTtlSeconds: 7200 };
const sut = (actor: Actor | null) => new ChallengesService(actor ? new ChallengesRepository(scopeToTenant(f.db, actor.tenantId), f.db) : null, f.vault, issuer, CHALLENGES, actor);
const operatorA = () => sut(actorOf(tenantA, 'OPERATOR'));
const keyLabels = (indices: readonly number[]) => indices.map((i) => i % 4);

before(async () => {
  f = await startServiceFixture();
  issuer = new AttestationIssuer(f.db, f.vault, { issuer: 'http://fragmark.test', ttlSeconds: 3600 });
  tenantA = await f.tenant('a');
  tenantB = await f.tenant('b');
  watermark = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
});
after(() => f.stop());

test('challenges reveal fresh triggers within the budget, audited; answers are scored once, signed, and refused when expired or foreign', async () => {
  const own = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  const first = await operatorA().createChallenge({ watermarkId: own.id, size: 10, audience: 'aud' });
  const second = await operatorA().createChallenge({ watermarkId: own.id, size: 10 });
  const revealed = [...first.challenge.triggerIndices, ...second.challenge.triggerIndices];
  assert.equal(new Set(revealed).size, 20, 'no trigger is revealed twice');
  assert.deepEqual(first.triggers.shape, [10, 2, 2, 1]);
  assert.deepEqual((await f.db.watermark.findUniqueOrThrow({ where: { id: own.id } })).revealedIndices.sort(), revealed.sort());
  assert.equal(await f.db.auditEvent.count({ where: { action: 'challenge.create', recordId: first.challenge.id } }), 1);
  await assert.rejects(operatorA().createChallenge({ watermarkId: own.id, size: 1 }), { code: 'CHALLENGE_BUDGET_EXHAUSTED' }, 'half of 40 is revealed');
  await assert.rejects(sut(actorOf(tenantB, 'OPERATOR')).createChallenge({ watermarkId: watermark.id, size: 1 }), { code: 'WATERMARK_NOT_READY' }, "another tenant's watermark");
  for (const bad of [{ size: 0 }, { size: 11 }, { size: 1, ttlSeconds: 59 }, { size: 1, ttlSeconds: 7201 }]) {
    await assert.rejects(operatorA().createChallenge({ watermarkId: watermark.id, ...bad }), { code: 'INVALID_VERIFICATION_INPUT' }, JSON.stringify(bad));
  }
  assert.deepEqual((await f.db.watermark.findUniqueOrThrow({ where: { id: watermark.id } })).revealedIndices, [], 'refused challenges reveal nothing');

  const intact = await operatorA().answerChallenge(first.challenge.id, keyLabels(first.challenge.triggerIndices));
  assert.deepEqual([intact.verdict, intact.mode, intact.triggersMatched, intact.audience], ['INTACT', 'CHALLENGE', 10, 'aud']);
  assert.equal(await f.db.attestation.count({ where: { verificationId: intact.id } }), 1);
  await assert.rejects(operatorA().answerChallenge(first.challenge.id, keyLabels(first.challenge.triggerIndices)), { code: 'CHALLENGE_ANSWERED' });
  await assert.rejects(sut(actorOf(tenantB, 'OPERATOR')).answerChallenge(second.challenge.id, keyLabels(second.challenge.triggerIndices)), { code: 'CHALLENGE_NOT_FOUND' });
  await assert.rejects(operatorA().answerChallenge(second.challenge.id, [1, 2]), { code: 'INVALID_VERIFICATION_INPUT' });
  const flipped = keyLabels(second.challenge.triggerIndices).map((l, i) => (i === 0 ? (l + 1) % 4 : l));
  assert.equal((await operatorA().answerChallenge(second.challenge.id, flipped)).verdict, 'TAMPERED', 'strict: one mismatch');

  const late = await operatorA().createChallenge({ watermarkId: watermark.id, size: 2 });
  await f.db.challenge.update({ where: { id: late.challenge.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  await assert.rejects(operatorA().answerChallenge(late.challenge.id, keyLabels(late.challenge.triggerIndices)), { code: 'CHALLENGE_EXPIRED' });
});

test('challenges asked for at once share one budget: never more revealed than allowed, never a trigger twice', async () => {
  const own = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  const results = await Promise.allSettled([1, 2, 3].map(() => operatorA().createChallenge({ watermarkId: own.id, size: 10 })));
  const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.challenge.triggerIndices] : []));
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
  assert.deepEqual([made.length, refused], [2, ['CHALLENGE_BUDGET_EXHAUSTED']]);
  assert.equal(new Set(made.flat()).size, 20);
  assert.equal((await f.db.watermark.findUniqueOrThrow({ where: { id: own.id } })).revealedIndices.length, 20);
});

test('roles: viewers, platform admins and anonymous callers reveal and answer nothing', async () => {
  const before = await f.db.challenge.count();
  const writes = (s: ChallengesService) => [s.createChallenge({ watermarkId: watermark.id, size: 1 }), s.answerChallenge(randomUUID(), [0])];
  for (const call of writes(sut(actorOf(tenantA, 'VIEWER')))) await assert.rejects(call, { code: 'FORBIDDEN' });
  for (const call of writes(sut(actorOf(null, 'PLATFORM_ADMIN')))) await assert.rejects(call, { code: 'FORBIDDEN' });
  for (const call of writes(sut(null))) await assert.rejects(call, { code: 'UNAUTHENTICATED' });
  assert.equal(await f.db.challenge.count(), before);
});
