/**
 * Typed errors of the watermark engine. Workers map `code` to job states and API errors,
 * so the set of codes is a closed string union (add new codes here, never ad-hoc strings).
 */
export type EngineErrorCode =
  | 'INVALID_MODEL'
  | 'INVALID_ARGUMENT'
  | 'GENERATION_FAILED'
  | 'CANCELLED'
  | 'INVALID_TRIGGER_SET'
  | 'BACKEND_UNAVAILABLE';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  /** Structured context for logs and job records (never secrets such as labels or triggers). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}
