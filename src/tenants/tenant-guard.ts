/**
 * Work of a deleted tenant must stop: `deleteTenant` cancels its queued and running jobs in the
 * deletion transaction, and every job handler re-checks here before it unseals a secret of the
 * tenant and again, inside its final transaction, before it seals, signs or records a result.
 *
 * Lock order: `assertTenantActive` takes a FOR SHARE lock on the tenant's row, which the deletion
 * transaction's UPDATE of that row conflicts with. Inside a transaction it must come first,
 * before any Job or record row is locked or written: the deletion transaction also takes the
 * tenant row first and then the job rows, so both always lock in the same order (no deadlock),
 * and whichever commits first wins (a deletion after a signed attestation still reports it
 * revoked through attestationStatus).
 */
import type { Database, Transaction } from '../db/client.ts';
import { JobRecords } from '../jobs/job-records.ts';

export const TENANT_DELETED_REASON = 'The tenant was deleted.';

/** The tenant is deleted (or unknown): the job must end without unsealing, signing or recording anything. */
export class TenantDeletedError extends Error {
  override readonly name = 'TenantDeletedError';
  constructor(readonly tenantId: string) {
    super(TENANT_DELETED_REASON);
  }
}

/** Throws TenantDeletedError unless the tenant exists and is not deleted; in `tx`, also locks its row (FOR SHARE). */
export async function assertTenantActive(db: Database | Transaction, tenantId: string): Promise<void> {
  const rows = await db.$queryRaw<Array<{ deletedAt: Date | null }>>`SELECT "deletedAt" FROM "Tenant" WHERE id = ${tenantId}::uuid FOR SHARE`;
  if (rows.length === 0 || rows[0]!.deletedAt !== null) throw new TenantDeletedError(tenantId);
}

/** True when the tenant is deleted (or unknown). */
export async function isTenantDeleted(db: Database | Transaction, tenantId: string): Promise<boolean> {
  try {
    await assertTenantActive(db, tenantId);
    return false;
  } catch (error) {
    if (error instanceof TenantDeletedError) return true;
    throw error;
  }
}

/**
 * Ends a job of a deleted tenant that a worker took: the job CANCELLED and its record ended
 * (watermark CANCELLED, verification ERROR, enrollment and webhook delivery CANCELLED), unless they already ended.
 */
export async function endJobOfDeletedTenant(db: Database, jobId: string): Promise<void> {
  const now = new Date();
  await db.$transaction(async (tx) => {
    await JobRecords.cancelUnfinished(tx, [jobId], TENANT_DELETED_REASON.toLowerCase(), now);
    await endRecordsOfJobs(tx, [jobId], now, { outcome: 'CANCELLED', reason: TENANT_DELETED_REASON });
  });
}

/**
 * The records of ended jobs that are still pending end with them: the watermark, enrollment and
 * webhook delivery take `outcome`, the verification becomes ERROR; `reason` is recorded where a record keeps one.
 * Shared by deleteTenant and the workers (CANCELLED) and by the runtime's give-up (FAILED).
 */
export async function endRecordsOfJobs(tx: Transaction, jobIds: string[], now: Date, end: { outcome: 'CANCELLED' | 'FAILED'; reason: string }): Promise<void> {
  if (jobIds.length === 0) return;
  await tx.watermark.updateMany({ where: { jobId: { in: jobIds }, status: 'PENDING' }, data: { status: end.outcome } });
  await tx.verification.updateMany({ where: { jobId: { in: jobIds }, verdict: 'PENDING' }, data: { verdict: 'ERROR', errorReason: end.reason, completedAt: now } });
  await tx.endpointEnrollment.updateMany({ where: { jobId: { in: jobIds }, status: 'PENDING' }, data: { status: end.outcome, errorReason: end.reason, completedAt: now } });
  await tx.webhookDelivery.updateMany({ where: { jobId: { in: jobIds }, status: 'PENDING' }, data: { status: end.outcome, nextAttemptAt: null, completedAt: now } });
}
