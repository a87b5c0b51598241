/**
 * The raw SQL behind VerificationHistory (verification-history.ts): one query per batch of keys,
 * restricted to the caller's tenant by hand (raw SQL is outside the scoped client's reach).
 */
import type { Database } from '../db/client.ts';
import type { Verification } from '../db/generated/client.ts';

/** How many verifications of one key (a version or a model) have one verdict. */
export interface VerdictCountRow {
  key: string;
  verdict: string;
  n: bigint;
}

/** Matches no tenant: a request without a caller sees no history. */
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

export class VerificationHistoryRepository {
  private readonly tenant: string;

  /** `tenantId`: the caller's tenant; every query is restricted to it. */
  constructor(
    private readonly db: Database,
    tenantId: string | null,
  ) {
    this.tenant = tenantId ?? NO_TENANT;
  }

  /** The newest verification of each of these versions that has one. */
  latestByVersion(versionIds: readonly string[]): Promise<Verification[]> {
    return this.db.$queryRaw<Verification[]>`
      SELECT DISTINCT ON ("modelVersionId") * FROM "Verification"
      WHERE "tenantId" = ${this.tenant}::uuid AND "modelVersionId" = ANY(${[...versionIds]}::uuid[])
      ORDER BY "modelVersionId", id DESC`;
  }

  /** The newest verification of any version of each of these models, with the model's id. */
  async latestByModel(modelIds: readonly string[]): Promise<Array<{ modelId: string; verification: Verification }>> {
    const rows = await this.db.$queryRaw<Array<Verification & { modelId: string }>>`
      SELECT DISTINCT ON (mv."modelId") v.*, mv."modelId" FROM "Verification" v
      JOIN "ModelVersion" mv ON mv.id = v."modelVersionId"
      WHERE v."tenantId" = ${this.tenant}::uuid AND mv."modelId" = ANY(${[...modelIds]}::uuid[])
      ORDER BY mv."modelId", v.id DESC`;
    return rows.map(({ modelId, ...verification }) => ({ modelId, verification }));
  }

  countsByVersion(versionIds: readonly string[]): Promise<VerdictCountRow[]> {
    return this.db.$queryRaw<VerdictCountRow[]>`
      SELECT "modelVersionId" AS key, verdict::text AS verdict, count(*) AS n FROM "Verification"
      WHERE "tenantId" = ${this.tenant}::uuid AND "modelVersionId" = ANY(${[...versionIds]}::uuid[])
      GROUP BY 1, 2`;
  }

  countsByModel(modelIds: readonly string[]): Promise<VerdictCountRow[]> {
    return this.db.$queryRaw<VerdictCountRow[]>`
      SELECT mv."modelId" AS key, v.verdict::text AS verdict, count(*) AS n FROM "Verification" v
      JOIN "ModelVersion" mv ON mv.id = v."modelVersionId"
      WHERE v."tenantId" = ${this.tenant}::uuid AND mv."modelId" = ANY(${[...modelIds]}::uuid[])
      GROUP BY 1, 2`;
  }
}
