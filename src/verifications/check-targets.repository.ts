/**
 * Reads shared by the verification and enrollment repositories: the model version, the watermark
 * and the endpoint a check is made against, through the caller's tenant-scoped client.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Model, ModelVersion, Watermark } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import type { EndpointInput } from '../registry/endpoint-spec.ts';
import { resolveEndpoint, type ResolvedEndpoint } from '../registry/endpoints.service.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';

export abstract class CheckTargetsRepository {
  /** `db`: the unscoped client, only for transactions that also seal and enqueue (their writes name the tenant). */
  constructor(
    protected readonly scoped: TenantDatabase,
    private readonly db: Database,
  ) {}

  /** A model version of the tenant with its model, or null (also for ids that are not UUIDs). */
  version(id: string) {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id }, include: { model: true } }) : Promise.resolve(null);
  }

  /**
   * `watermarkId` when given (only if it belongs to the version), else the version's newest READY
   * watermark; null when there is none. Whether it may be used is the caller's decision (ready-watermark.ts).
   */
  watermark(versionId: string, watermarkId: string | null | undefined): Promise<Watermark | null> {
    if (watermarkId) return isUuid(watermarkId) ? this.scoped.watermark.findFirst({ where: { id: watermarkId, modelVersionId: versionId } }) : Promise.resolve(null);
    return this.scoped.watermark.findFirst({ where: { modelVersionId: versionId, status: 'READY' }, orderBy: { id: 'desc' } });
  }

  /** The version's endpoint to query (the registry's rules; throws NoRegisteredEndpoint). */
  endpoint(version: ModelVersion & { model: Model }, input: { endpointId?: string | null; endpoint?: EndpointInput | null }, egress: EgressPolicy): Promise<ResolvedEndpoint> {
    return resolveEndpoint(this.scoped, version, input, egress);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.$transaction(work);
  }
}
