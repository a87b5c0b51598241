/** Which blobs the database still references (model versions, candidate copies, the store probe). */
import type { Database } from '../../db/client.ts';
import { storeProbeDigest } from './store-probe.ts';

/** Whether any model version or candidate manifest still lists a file with this SHA-256, or it is the store probe. */
export async function isBlobReferenced(db: Database, sha256: string): Promise<boolean> {
  if ((await storeProbeDigest(db)) === sha256) return true;
  const file = JSON.stringify([{ sha256 }]);
  const [row] = await db.$queryRaw<Array<{ referenced: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "ModelVersion" WHERE artifact -> 'files' @> ${file}::jsonb)
        OR EXISTS (SELECT 1 FROM "CandidateArtifact" WHERE artifact -> 'files' @> ${file}::jsonb) AS referenced`;
  return row!.referenced;
}

/** Every referenced digest, read once (garbage collection compares the store's listing with it). */
export async function referencedBlobs(db: Database): Promise<Set<string>> {
  const rows = await db.$queryRaw<Array<{ sha256: string }>>`
    SELECT DISTINCT f ->> 'sha256' AS sha256 FROM "ModelVersion" v, jsonb_array_elements(v.artifact -> 'files') f WHERE jsonb_typeof(v.artifact -> 'files') = 'array'
    UNION
    SELECT DISTINCT f ->> 'sha256' FROM "CandidateArtifact" c, jsonb_array_elements(c.artifact -> 'files') f WHERE jsonb_typeof(c.artifact -> 'files') = 'array'`;
  const set = new Set(rows.map((r) => r.sha256));
  const probe = await storeProbeDigest(db);
  if (probe !== undefined) set.add(probe);
  return set;
}
