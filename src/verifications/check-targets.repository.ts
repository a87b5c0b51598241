/**
 * Reads shared by the verification and enrollment repositories: the model version and the
 * watermark a check is made against, through the caller's tenant-scoped client.
 */
import type { Watermark } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';

/** A model version of the tenant with its model, or null (also for ids that are not UUIDs). */
export function versionWithModel(scoped: TenantDatabase, id: string) {
  return isUuid(id) ? scoped.modelVersion.findUnique({ where: { id }, include: { model: true } }) : Promise.resolve(null);
}

/**
 * `watermarkId` when given (only if it belongs to the version), else the version's newest READY
 * watermark; null when there is none. Whether it may be used is the caller's decision (ready-watermark.ts).
 */
export function watermarkToCheck(scoped: TenantDatabase, versionId: string, watermarkId: string | null | undefined): Promise<Watermark | null> {
  if (watermarkId) return isUuid(watermarkId) ? scoped.watermark.findFirst({ where: { id: watermarkId, modelVersionId: versionId } }) : Promise.resolve(null);
  return scoped.watermark.findFirst({ where: { modelVersionId: versionId, status: 'READY' }, orderBy: { id: 'desc' } });
}
