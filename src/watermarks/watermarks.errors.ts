import { DomainError } from '../errors/domain-error.ts';

/** WATERMARK_TOO_WEAK: a request that would make a weak watermark without allowWeak (watermark-strength.ts). */
export type WatermarksErrorCode = 'INVALID_WATERMARK_INPUT' | 'WATERMARK_TOO_WEAK' | 'WATERMARK_NOT_FOUND';

export class WatermarksError extends DomainError<WatermarksErrorCode> {}
