/**
 * Challenges: a model operator proves, without the owner's endpoint, that a deployment answers
 * like the watermarked model. The owner's service hands out a fresh random subset of triggers
 * (never more than a set share of the watermark in total: each reveal weakens it), and scores
 * the operator's labels for it into a CHALLENGE verification with its signed attestation.
 */
import { randomInt } from 'node:crypto';
import type { Challenge, Verification } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Vault } from '../vault/vault.ts';
import type { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { decodeTriggerSet, gatherTriggers, parseVerdictPolicy, verifyLabels } from '../engine/index.ts';
import { assertTenantActive } from '../tenants/tenant-guard.ts';
import { processMetrics } from '../metrics/metrics.ts';
import { claimsFor } from './attestation-claims.ts';
import { validateText } from './verification-input.ts';
import { VerificationsError } from './verifications.errors.ts';
import type { ChallengesRepository } from './challenges.repository.ts';

export interface ChallengeSettings {
  /** Largest share of a watermark's triggers that challenges may ever reveal. */
  maxRevealedShare: number;
  maxSize: number;
  maxTtlSeconds: number;
}

export interface CreatedChallenge {
  challenge: Challenge;
  /** The revealed triggers, float32 little-endian, row-major [size, ...shape]. */
  triggers: { shape: number[]; data: string; encoding: 'float32-le-base64' };
}

export class ChallengesService {
  /** `challenges`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly challenges: ChallengesRepository | null,
    private readonly vault: Vault,
    private readonly issuer: AttestationIssuer,
    private readonly settings: ChallengeSettings,
    private readonly actor: Actor | null,
  ) {}

  /**
   * Hands a model operator a fresh random subset of triggers that no earlier challenge revealed,
   * until the watermark's revealed share would pass the configured maximum.
   */
  async createChallenge(input: { watermarkId: string; size: number; ttlSeconds?: number | null; audience?: string | null; nonce?: string | null }): Promise<CreatedChallenge> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Verifications');
    const watermark = await this.challenges!.watermark(input.watermarkId);
    if (!watermark) throw new VerificationsError('WATERMARK_NOT_READY', 'No such watermark.', ['input', 'watermarkId']);
    if (watermark.status !== 'READY') throw new VerificationsError('WATERMARK_NOT_READY', 'The watermark is not ready.', ['input', 'watermarkId']);
    const { maxRevealedShare, maxSize, maxTtlSeconds } = this.settings;
    if (!Number.isInteger(input.size) || input.size < 1 || input.size > maxSize) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `size must be between 1 and ${maxSize}.`, ['input', 'size']);
    }
    const ttl = input.ttlSeconds ?? 3600;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > maxTtlSeconds) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `ttlSeconds must be between 60 and ${maxTtlSeconds}.`, ['input', 'ttlSeconds']);
    }
    validateText(input.audience, 'audience');
    validateText(input.nonce, 'nonce');

    return this.challenges!.transaction(async (tx) => {
      // Serialise challenges of one watermark so two cannot reveal the same budget twice.
      const revealed = new Set(await this.challenges!.lockRevealed(tx, watermark.id));
      const budget = Math.floor(maxRevealedShare * watermark.triggerCount) - revealed.size;
      if (input.size > budget) {
        throw new VerificationsError(
          'CHALLENGE_BUDGET_EXHAUSTED',
          `This watermark has revealed ${revealed.size} of ${watermark.triggerCount} triggers; at most ${Math.max(0, budget)} more may be revealed ` +
            `(limit ${Math.round(maxRevealedShare * 100)}%). Generate a new watermark for further challenges.`,
          ['input', 'size'],
        );
      }
      const fresh = Array.from({ length: watermark.triggerCount }, (_, i) => i).filter((i) => !revealed.has(i));
      for (let i = fresh.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      const indices = fresh.slice(0, input.size);
      // On this transaction's connection: a second one from the pool while holding this one
      // deadlocks the pool under a burst of challenges (src/db/client.ts).
      const sealed = await this.vault.unseal({ tenantId: watermark.tenantId, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: actor.apiKeyId }, tx);
      try {
        const set = decodeTriggerSet(sealed);
        const data = gatherTriggers(set, indices);
        const challenge = await this.challenges!.reveal(tx, watermark, [...revealed], indices, {
          expiresAt: new Date(Date.now() + ttl * 1000),
          audience: input.audience ?? null,
          nonce: input.nonce ?? null,
        });
        await recordAudit(tx, { tenantId: watermark.tenantId, actorApiKeyId: actor.apiKeyId, action: 'challenge.create', recordId: challenge.id, details: { revealed: indices.length, totalRevealed: revealed.size + indices.length } });
        return {
          challenge,
          triggers: { shape: [indices.length, ...set.shape], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), encoding: 'float32-le-base64' as const },
        };
      } finally {
        sealed.fill(0);
      }
    });
  }

  /** Scores the operator's labels for a challenge: a CHALLENGE verification with its attestation. */
  async answerChallenge(challengeId: string, labels: number[]): Promise<Verification> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Verifications');
    const challenge = await this.challenges!.challengeToAnswer(challengeId);
    if (!challenge) throw new VerificationsError('CHALLENGE_NOT_FOUND', 'No such challenge.', ['input', 'challengeId']);
    if (challenge.answeredAt) throw new VerificationsError('CHALLENGE_ANSWERED', 'This challenge was already answered; create a new one.', ['input', 'challengeId']);
    if (challenge.expiresAt <= new Date()) throw new VerificationsError('CHALLENGE_EXPIRED', 'This challenge has expired; create a new one.', ['input', 'challengeId']);
    if (labels.length !== challenge.triggerIndices.length || labels.some((l) => !Number.isInteger(l) || l < 0)) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `Send exactly ${challenge.triggerIndices.length} non-negative integer labels, in the challenge's order.`, ['input', 'labels']);
    }
    const { watermark } = challenge;
    const version = watermark.modelVersion;
    const sealed = await this.vault.unseal({ tenantId: watermark.tenantId, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: actor.apiKeyId });
    let result;
    try {
      result = verifyLabels(decodeTriggerSet(sealed), labels, { policy: parseVerdictPolicy(watermark.policy), indices: challenge.triggerIndices });
    } finally {
      sealed.fill(0);
    }
    const answered = await this.challenges!.transaction(async (tx) => {
      // The tenant's row first (tenant-guard.ts): nothing is signed for a tenant deleted meanwhile.
      await assertTenantActive(tx, watermark.tenantId);
      if (!(await this.challenges!.claim(tx, challenge.id))) throw new VerificationsError('CHALLENGE_ANSWERED', 'This challenge was already answered; create a new one.', ['input', 'challengeId']);
      const verification = await this.challenges!.recordAnswer(tx, challenge.id, {
        tenantId: watermark.tenantId,
        modelVersionId: version.id,
        watermarkId: watermark.id,
        verdict: result.verdict === 'intact' ? 'INTACT' : 'TAMPERED',
        triggersQueried: result.queried,
        triggersMatched: result.matched,
        accTri: result.accTri,
        policy: parseVerdictPolicy(watermark.policy),
        audience: challenge.audience,
        nonce: challenge.nonce,
        completedAt: new Date(),
      });
      await this.issuer.issue(tx, {
        tenantId: watermark.tenantId,
        verificationId: verification.id,
        modelVersionId: version.id,
        audience: challenge.audience,
        nonce: challenge.nonce,
        claims: claimsFor(version.model, version, watermark, verification, result),
      });
      return verification;
    });
    processMetrics.verifications.inc({ mode: 'CHALLENGE', verdict: answered.verdict });
    return answered;
  }
}
