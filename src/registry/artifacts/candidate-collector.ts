/**
 * Expiry of candidate artifacts (security issue #16, item 6): model copies uploaded only to be
 * checked (PUT /v1/verification-artifacts) are kept for FRAGMARK_CANDIDATE_TTL_HOURS, then their
 * rows and the blobs no other manifest shares are deleted.
 *
 * What stays: a candidate still named by a PENDING verification (queued or running) is kept until
 * that verification ends. Finished verifications keep their history: `candidateArtifactId` (no
 * foreign key, so it simply names an upload that no longer exists) and `checkedDigest`, the
 * weights digest that was actually checked.
 *
 * Safe beside uploads and verifyModel, and with several workers collecting at once:
 * - each row is deleted in its own transaction that first locks it (FOR UPDATE); verifyModel locks
 *   the candidate (FOR SHARE) in the transaction that creates its verification, so either the
 *   verification commits first and the collector then sees it PENDING, or the row is gone first
 *   and verifyModel answers CANDIDATE_EXPIRED;
 * - a blob is deleted only when no model version or remaining candidate references it, and not
 *   while an upload may be adopting it (ModelArtifacts.removeBlob's grace period).
 */
import type { Database } from '../../db/client.ts';
import { storedManifest } from './artifact-manifest.ts';
import type { ModelArtifacts } from './model-artifacts.ts';
import { isBlobReferenced } from './blob-references.ts';

/** Uploads running longer than this are refused long before (the server's request timeout). */
export const BLOB_GRACE_MS = 3_600_000;
const BATCH = 100;

export interface CandidateCollectorDeps {
  db: Database;
  store: ModelArtifacts;
  /** Candidates uploaded longer ago than this are expired. */
  maxAgeMs: number;
}

export interface CollectedCandidates {
  /** Candidate rows deleted. */
  candidates: number;
  /** Expired candidates kept because a PENDING verification still needs them. */
  inUse: number;
  /** Blobs deleted from the store. */
  blobs: number;
}

/** The upload time before which a candidate has expired. */
export function candidateCutoff(now: Date, maxAgeMs: number): Date {
  return new Date(now.getTime() - maxAgeMs);
}

export async function collectExpiredCandidates({ db, store, maxAgeMs }: CandidateCollectorDeps, now: Date = new Date()): Promise<CollectedCandidates> {
  const result: CollectedCandidates = { candidates: 0, inUse: 0, blobs: 0 };
  const freed = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const expired = await db.candidateArtifact.findMany({
      where: { createdAt: { lt: candidateCutoff(now, maxAgeMs) }, ...(after ? { id: { gt: after } } : {}) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    for (const { id } of expired) {
      const deleted = await deleteUnlessInUse(db, id);
      if (deleted === 'in-use') result.inUse += 1;
      else if (deleted) {
        result.candidates += 1;
        // A damaged manifest frees nothing here; the blob collector's own scan finds what it left.
        const files = (() => {
          try {
            return storedManifest(deleted.artifact).files;
          } catch {
            return [];
          }
        })();
        for (const file of files) freed.add(file.sha256);
      }
    }
    if (expired.length < BATCH) break;
    after = expired.at(-1)!.id;
  }
  for (const sha256 of freed) {
    if (!(await isBlobReferenced(db, sha256)) && (await store.removeBlob(sha256, BLOB_GRACE_MS, now))) result.blobs += 1;
  }
  return result;
}

/** The deleted row, 'in-use' when a PENDING verification names it, or null when it is gone already. */
async function deleteUnlessInUse(db: Database, id: string) {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "CandidateArtifact" WHERE id = ${id}::uuid FOR UPDATE`;
    if (!locked) return null;
    if ((await tx.verification.count({ where: { candidateArtifactId: id, verdict: 'PENDING' } })) > 0) return 'in-use' as const;
    return tx.candidateArtifact.delete({ where: { id }, select: { artifact: true } });
  });
}
