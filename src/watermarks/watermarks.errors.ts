import { DomainError } from '../errors/domain-error.ts';

export type WatermarksErrorCode = 'INVALID_WATERMARK_INPUT' | 'WATERMARK_NOT_FOUND';

export class WatermarksError extends DomainError<WatermarksErrorCode> {}
