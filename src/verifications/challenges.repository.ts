/**
 * The challenges' database access: what ChallengesService reads through the caller's
 * tenant-scoped client, and the writes of its transactions (which also unseal, audit and sign:
 * the service opens them and passes their client `tx`).
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Challenge, Prisma, Verification, Watermark } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';

/** The challenge's columns besides its watermark, tenant and revealed triggers. */
export type NewChallenge = Pick<Prisma.ChallengeUncheckedCreateInput, 'expiresAt' | 'audience' | 'nonce'>;

/** One tenant's challenges, through its scoped client (src/db/tenant-scope.ts). */
export class ChallengesRepository {
  /** `db`: the unscoped client, only for transactions (their writes name the tenant). */
  constructor(
    private readonly scoped: TenantDatabase,
    private readonly db: Database,
  ) {}

  watermark(id: string): Promise<Watermark | null> {
    return isUuid(id) ? this.scoped.watermark.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** A challenge with its watermark, version and model, as answering it needs. */
  challengeToAnswer(id: string) {
    return isUuid(id)
      ? this.scoped.challenge.findUnique({ where: { id }, include: { watermark: { include: { modelVersion: { include: { model: true } } } } } })
      : Promise.resolve(null);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.$transaction(work);
  }

  /** The watermark's revealed trigger indices, its row locked (FOR UPDATE) until the transaction ends. */
  async lockRevealed(tx: Transaction, watermarkId: string): Promise<number[]> {
    const [locked] = await tx.$queryRaw<Array<{ revealedIndices: number[] }>>`SELECT "revealedIndices" FROM "Watermark" WHERE id = ${watermarkId}::uuid FOR UPDATE`;
    return locked!.revealedIndices;
  }

  /** Marks `indices` revealed on the watermark and records the challenge that reveals them. */
  async reveal(tx: Transaction, watermark: Pick<Watermark, 'id' | 'tenantId'>, revealed: readonly number[], indices: number[], fields: NewChallenge): Promise<Challenge> {
    await tx.watermark.update({ where: { id: watermark.id }, data: { revealedIndices: [...revealed, ...indices] } });
    return tx.challenge.create({ data: { ...fields, tenantId: watermark.tenantId, watermarkId: watermark.id, triggerIndices: indices } });
  }

  /** Marks the challenge answered; false when another answer claimed it first. */
  async claim(tx: Transaction, challengeId: string): Promise<boolean> {
    const { count } = await tx.challenge.updateMany({ where: { id: challengeId, answeredAt: null }, data: { answeredAt: new Date() } });
    return count > 0;
  }

  /** The CHALLENGE verification of an answer, linked from its challenge. */
  async recordAnswer(tx: Transaction, challengeId: string, fields: Omit<Prisma.VerificationUncheckedCreateInput, 'mode'>): Promise<Verification> {
    const verification = await tx.verification.create({ data: { ...fields, mode: 'CHALLENGE' } });
    await tx.challenge.update({ where: { id: challengeId }, data: { verificationId: verification.id } });
    return verification;
  }
}
