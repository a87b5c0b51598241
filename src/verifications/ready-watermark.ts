/** The watermark a verification or an enrollment checks against. */
import type { Watermark } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { VerificationsError } from './verifications.errors.ts';

/** `watermarkId` when given (it must belong to the version), else the version's newest READY one. */
export async function findReadyWatermark(db: TenantDatabase, versionId: string, watermarkId: string | null | undefined): Promise<Watermark> {
  const watermark = watermarkId
    ? isUuid(watermarkId)
      ? await db.watermark.findFirst({ where: { id: watermarkId, modelVersionId: versionId } })
      : null
    : await db.watermark.findFirst({ where: { modelVersionId: versionId, status: 'READY' }, orderBy: { id: 'desc' } });
  if (!watermark || watermark.status !== 'READY') {
    throw new VerificationsError('WATERMARK_NOT_READY', 'This version has no READY watermark to verify against: run startWatermark first.', ['input', 'watermarkId']);
  }
  return watermark;
}
