/**
 * What a model format contributes: recognising its uploads and loading them into a Classifier.
 * One reader per format, listed in `index.ts` (a registry, like MLServer's codecs).
 */
import type { ArtifactFiles, Classifier, ModelFormat } from '../classifier.ts';

export interface ModelLimits {
  /** Most parameters (weight elements, all weights together) the model may declare. */
  readonly maxParameters?: number;
}

export interface ModelFormatReader {
  readonly format: ModelFormat;
  /** Whether the upload is this format: file names and magic bytes only, nothing parsed. */
  detect(files: ArtifactFiles): boolean;
  /**
   * Checks sizes and declared parameters before allocating anything, then loads. Refusals are
   * EngineError('INVALID_MODEL') with a message naming what is wrong.
   */
  load(files: ArtifactFiles, limits: ModelLimits): Promise<Classifier>;
}

/** Parameters (elements) of a shape; Infinity when the product passes Number's integer range. */
export function parameterCount(shape: readonly number[]): number {
  const count = shape.reduce((a, b) => a * b, 1);
  return Number.isSafeInteger(count) ? count : Infinity;
}
