/** The watermark a verification or an enrollment checks against. */
import type { Watermark } from '../db/generated/client.ts';
import { VerificationsError } from './verifications.errors.ts';

/** The watermark found for the check (check-targets.repository.ts), refused unless it is READY. */
export function requireReadyWatermark(watermark: Watermark | null): Watermark {
  if (!watermark || watermark.status !== 'READY') {
    throw new VerificationsError('WATERMARK_NOT_READY', 'This version has no READY watermark to verify against: run startWatermark first.', ['input', 'watermarkId']);
  }
  return watermark;
}
