/**
 * Verification history for frontends, batched: a page of 100 models asking for their latest
 * verification and counts costs a constant number of queries, not one per model (DataLoader
 * collects the keys of one tick into one query; one loader set per request). The queries are
 * verification-history.repository.ts's.
 */
import DataLoader from 'dataloader';
import type { Verification } from '../db/generated/client.ts';
import type { VerdictCountRow, VerificationHistoryRepository } from './verification-history.repository.ts';

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

  /** `history`: the caller's tenant's queries (tenant-bound). */
  constructor(history: VerificationHistoryRepository) {
    this.latestByVersion = new DataLoader(async (ids) => {
      const byId = new Map((await history.latestByVersion(ids)).map((v) => [v.modelVersionId, v]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.latestByModel = new DataLoader(async (ids) => {
      const byId = new Map((await history.latestByModel(ids)).map(({ modelId, verification }) => [modelId, verification]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.countsByVersion = new DataLoader(async (ids) => countsBy(ids, await history.countsByVersion(ids)));
    this.countsByModel = new DataLoader(async (ids) => countsBy(ids, await history.countsByModel(ids)));
  }
}

function countsBy(ids: readonly string[], rows: VerdictCountRow[]): VerdictCounts[] {
  const byId = new Map<string, VerdictCounts>();
  for (const row of rows) {
    const counts = byId.get(row.key) ?? zero();
    counts[row.verdict.toLowerCase() as keyof VerdictCounts] = Number(row.n);
    byId.set(row.key, counts);
  }
  return ids.map((id) => byId.get(id) ?? zero());
}
