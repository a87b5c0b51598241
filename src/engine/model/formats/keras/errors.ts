/** INVALID_MODEL errors of the Keras reader (one constructor so that every message reads alike). */
import { EngineError } from '../../../errors.ts';

export function invalidKeras(message: string, details: Record<string, unknown> = {}, cause?: unknown): EngineError {
  return new EngineError('INVALID_MODEL', message, details, cause === undefined ? undefined : { cause });
}
