/** What the API process and a model-validation worker thread send each other. */
import type { BackendChoice } from '../../../engine/index.ts';
import type { ArtifactErrorCode } from '../artifact.errors.ts';
import type { ValidatedArtifact } from '../model-validation.ts';

/** What a validation thread is started with (its workerData). */
export interface ValidationThreadData {
  /** The engine backend it starts (FRAGMARK_TF_BACKEND); undefined: the best installed. */
  backend: BackendChoice | undefined;
}

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
