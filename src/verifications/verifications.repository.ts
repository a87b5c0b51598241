/**
 * The verifications workflow's database access: what VerificationsService reads and writes
 * through the caller's tenant-scoped client, and what the verification job loads. Their JSON
 * columns are parsed checked where they are used: `policy` by the engine's parseVerdictPolicy,
 * `artifact` by storedManifest.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { CandidateArtifact, EndpointEnrollment, Prisma, Verification, VerificationMode, Verdict } from '../db/generated/client.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { CheckTargetsRepository } from './check-targets.repository.ts';
import { findEnrollment, type EnrolledAt } from './enrollment/enrollments.repository.ts';

export interface VerificationFilter {
  watermarkId?: string | null;
  modelId?: string | null;
  modelVersionId?: string | null;
  verdict?: Verdict | null;
  mode?: VerificationMode | null;
  since?: Date | null;
  until?: Date | null;
}

/** The columns of an uploaded candidate copy (its tenant is the caller's). */
export type NewCandidate = Omit<Prisma.CandidateArtifactUncheckedCreateInput, 'id' | 'tenantId' | 'createdAt'>;

/** One tenant's verifications, through its scoped client (src/db/tenant-scope.ts). */
export class VerificationsRepository extends CheckTargetsRepository {
  enrollment(where: EnrolledAt): Promise<EndpointEnrollment | null> {
    return findEnrollment(this.scoped, where);
  }

  candidate(id: string): Promise<CandidateArtifact | null> {
    return isUuid(id) ? this.scoped.candidateArtifact.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /**
   * Records an uploaded candidate; `beforeCommit` runs last in the same transaction (when it
   * throws, nothing is recorded).
   */
  createCandidate(tenantId: string, fields: NewCandidate, beforeCommit: (tx: Transaction) => Promise<void>, timeoutMs: number): Promise<CandidateArtifact> {
    return this.scoped.$transaction(
      async (tx) => {
        const candidate = await tx.candidateArtifact.create({ data: { ...fields, tenantId } });
        await beforeCommit(tx as Transaction);
        return candidate;
      },
      { timeout: timeoutMs },
    );
  }

  /**
   * Locks the candidate (FOR SHARE) until the caller's transaction commits, so that the collector
   * (candidate-collector.ts) cannot delete it meanwhile; false when it is already gone.
   */
  async lockCandidate(tx: Transaction, id: string): Promise<boolean> {
    const [kept] = await tx.$queryRaw<unknown[]>`SELECT id FROM "CandidateArtifact" WHERE id = ${id}::uuid FOR SHARE`;
    return kept !== undefined;
  }

  forJob(jobId: string): Promise<Verification | null> {
    return this.scoped.verification.findUnique({ where: { jobId } });
  }

  get(id: string): Promise<Verification | null> {
    return isUuid(id) ? this.scoped.verification.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  list(page: PageRequest, filter: VerificationFilter): Promise<Page<Verification>> {
    const where = {
      ...(filter.modelVersionId ? { modelVersionId: filter.modelVersionId } : {}),
      ...(filter.watermarkId ? { watermarkId: filter.watermarkId } : {}),
      ...(filter.modelId ? { modelVersion: { modelId: filter.modelId } } : {}),
      ...(filter.verdict ? { verdict: filter.verdict } : {}),
      ...(filter.mode ? { mode: filter.mode } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.verification.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.verification.count({ where }),
    );
  }
}

/** A verification job with what it checks, as the worker loads it (no tenant scope: jobs are the platform's). */
export function jobWithVerification(db: Database, jobId: string) {
  return db.verification.findUnique({
    where: { jobId },
    include: { watermark: true, modelVersion: { include: { model: true } }, job: true, enrollment: true, endpoint: true },
  });
}

/** The candidate copy a job checks, or null once collected. */
export function candidateOfJob(db: Database, id: string): Promise<CandidateArtifact | null> {
  return db.candidateArtifact.findUnique({ where: { id } });
}

/** Ends a verification in ERROR with its (redacted) reason, in the job's transaction. */
export async function endInError(tx: Transaction, id: string, errorReason: string, completedAt: Date): Promise<void> {
  await tx.verification.update({ where: { id }, data: { verdict: 'ERROR', errorReason, completedAt } });
}

/** Records the verdict, in the job's transaction, only over PENDING; false when another attempt recorded one first. */
export async function recordVerdict(
  tx: Transaction,
  id: string,
  outcome: Pick<Prisma.VerificationUpdateManyMutationInput, 'triggersQueried' | 'triggersMatched' | 'accTri' | 'backend' | 'checkedDigest' | 'checkedArtifactDigest' | 'tlsCertificateSha256'> & {
    verdict: 'INTACT' | 'TAMPERED';
    completedAt: Date;
  },
): Promise<boolean> {
  const { count } = await tx.verification.updateMany({ where: { id, verdict: 'PENDING' }, data: outcome });
  return count === 1;
}
