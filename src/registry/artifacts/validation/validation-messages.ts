/** What the API process and a model-validation worker thread send each other. */
import type { ArtifactErrorCode } from '../artifact.errors.ts';
import type { ValidatedArtifact } from '../model-validation.ts';

export interface ValidationRequest {
  /** file name -> bytes; the buffers are transferred to the worker, not copied. */
  files: Map<string, Uint8Array>;
  maxParameters: number;
  memoryBudgetMb?: number | undefined;
}

export type ValidationReply =
  | { ok: true; result: Omit<ValidatedArtifact, 'manifest'> }
  /** An ArtifactError's code and message, or INTERNAL with the stack of anything else. */
  | { ok: false; code: ArtifactErrorCode | 'INTERNAL'; message: string };
