/**
 * Verification history for frontends, batched: a page of 100 models asking for their latest
 * verification and counts costs a constant number of queries, not one per model (DataLoader
 * collects the keys of one tick into one query; one loader set per request).
 */
import DataLoader from 'dataloader';
import type { Database } from '../db/client.ts';
import type { Verification } from '../db/generated/client.ts';

export interface VerdictCounts {
  intact: number;
  tampered: number;
  error: number;
  pending: number;
}

const zero = (): VerdictCounts => ({ intact: 0, tampered: 0, error: 0, pending: 0 });

export class VerificationHistory {
  readonly latestByVersion: DataLoader<string, Verification | null>;
  readonly countsByVersion: DataLoader<string, VerdictCounts>;
  readonly latestByModel: DataLoader<string, Verification | null>;
  readonly countsByModel: DataLoader<string, VerdictCounts>;

  /** `tenantId`: the caller's tenant; every query is restricted to it. */
  constructor(db: Database, tenantId: string | null) {
    const tenant = tenantId ?? '00000000-0000-0000-0000-000000000000';
    this.latestByVersion = new DataLoader(async (ids) => {
      const rows = await db.$queryRaw<Verification[]>`
        SELECT DISTINCT ON ("modelVersionId") * FROM "Verification"
        WHERE "tenantId" = ${tenant}::uuid AND "modelVersionId" = ANY(${[...ids]}::uuid[])
        ORDER BY "modelVersionId", id DESC`;
      const byId = new Map(rows.map((r) => [r.modelVersionId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.latestByModel = new DataLoader(async (ids) => {
      const rows = await db.$queryRaw<Array<Verification & { modelId: string }>>`
        SELECT DISTINCT ON (mv."modelId") v.*, mv."modelId" FROM "Verification" v
        JOIN "ModelVersion" mv ON mv.id = v."modelVersionId"
        WHERE v."tenantId" = ${tenant}::uuid AND mv."modelId" = ANY(${[...ids]}::uuid[])
        ORDER BY mv."modelId", v.id DESC`;
      const byId = new Map(rows.map(({ modelId, ...v }) => [modelId, v as Verification]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.countsByVersion = new DataLoader(async (ids) =>
      countsBy(
        ids,
        await db.$queryRaw<Array<{ key: string; verdict: string; n: bigint }>>`
          SELECT "modelVersionId" AS key, verdict::text AS verdict, count(*) AS n FROM "Verification"
          WHERE "tenantId" = ${tenant}::uuid AND "modelVersionId" = ANY(${[...ids]}::uuid[])
          GROUP BY 1, 2`,
      ),
    );
    this.countsByModel = new DataLoader(async (ids) =>
      countsBy(
        ids,
        await db.$queryRaw<Array<{ key: string; verdict: string; n: bigint }>>`
          SELECT mv."modelId" AS key, v.verdict::text AS verdict, count(*) AS n FROM "Verification" v
          JOIN "ModelVersion" mv ON mv.id = v."modelVersionId"
          WHERE v."tenantId" = ${tenant}::uuid AND mv."modelId" = ANY(${[...ids]}::uuid[])
          GROUP BY 1, 2`,
      ),
    );
  }
}

function countsBy(ids: readonly string[], rows: Array<{ key: string; verdict: string; n: bigint }>): VerdictCounts[] {
  const byId = new Map<string, VerdictCounts>();
  for (const row of rows) {
    const counts = byId.get(row.key) ?? zero();
    counts[row.verdict.toLowerCase() as keyof VerdictCounts] = Number(row.n);
    byId.set(row.key, counts);
  }
  return ids.map((id) => byId.get(id) ?? zero());
}

