/**
 * Per-tenant storage quota for uploaded artifacts (issue 16 item 6): a tenant's model-version
 * artifacts and candidate artifacts together may not pass FRAGMARK_TENANT_STORAGE_QUOTA_BYTES.
 *
 * Bytes are counted as uploaded (each artifact's manifest totalBytes), not as stored: the store
 * keeps identical blobs once across tenants, and charging a tenant less because another tenant
 * holds the same bytes would tell it what others store.
 *
 * The upload route checks twice: before reading the body (what is left bounds the streaming
 * budget, so a refused upload is never stored), and, authoritatively, inside the transaction that
 * records the artifact, under a per-tenant lock, so that concurrent uploads cannot each fit alone
 * and pass the quota together.
 */
import type { Transaction } from '../db/client.ts';
import { ArtifactError } from './artifacts/artifact.errors.ts';

type RawQueries = Pick<Transaction, '$queryRaw'>;

/** Artifact bytes `tenantId` keeps: its versions' artifacts and its candidate artifacts. */
export async function storedArtifactBytes(db: RawQueries, tenantId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ bytes: bigint | number | null }>>`
    SELECT
      COALESCE((SELECT sum("artifactBytes") FROM "ModelVersion" WHERE "tenantId" = ${tenantId}::uuid), 0)
      + COALESCE((SELECT sum(("artifact"->>'totalBytes')::bigint) FROM "CandidateArtifact" WHERE "tenantId" = ${tenantId}::uuid), 0)
      AS bytes`;
  return Number(row?.bytes ?? 0);
}

/**
 * Run inside the transaction that records an artifact, after its row is written: waits for the
 * tenant's other uploads to commit, then refuses (ArtifactError QUOTA_EXCEEDED, which rolls the
 * transaction back) when the tenant's artifacts, the new one included, pass `quotaBytes`.
 * `quotaBytes` 0 means no quota.
 */
export async function enforceStorageQuota(tx: Transaction, tenantId: string, quotaBytes: number): Promise<void> {
  if (quotaBytes === 0) return;
  // A transaction-scoped advisory lock per tenant: released at commit or rollback.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('fragmark/storage-quota'), hashtext(${tenantId}))`;
  const used = await storedArtifactBytes(tx, tenantId);
  if (used > quotaBytes) {
    throw new ArtifactError(
      'QUOTA_EXCEEDED',
      `The upload does not fit in this tenant's storage quota (${quotaBytes} bytes; this upload would bring it to ${used}): delete model versions or candidate artifacts, or ask the operator for a larger quota.`,
    );
  }
}
