/**
 * The byte limits an upload streams under, and which error each one answers: the upload's size
 * cap (UPLOAD_TOO_LARGE), what is left of the tenant's storage quota (QUOTA_EXCEEDED), and the
 * model.json cap (UPLOAD_TOO_LARGE, so that padded model.json files are never parsed). All of
 * them are enforced while streaming, before anything is stored, and from Content-Length when it
 * already says the upload cannot fit.
 */
import type { BackendChoice } from '../../engine/index.ts';
import { ArtifactError } from './artifact.errors.ts';

export const MODEL_JSON = 'model.json';

export interface UploadLimits {
  /** Most file bytes accepted in one upload, all files together. */
  maxTotalBytes: number;
  /** Most files accepted in one upload (model.json included). */
  maxFiles: number;
  /** Largest model.json accepted. */
  maxModelJsonBytes: number;
  /** Most parameters the model may declare (checked on the manifest and, before building, on the topology). */
  maxModelParameters: number;
  /** The workers' engine memory budget: one example's forward + input gradient must fit in it. */
  memoryBudgetMb?: number;
  /** The engine backend the model is validated on (FRAGMARK_TF_BACKEND); undefined: the best installed. */
  backend?: BackendChoice | undefined;
  /** What is left of the tenant's storage quota; undefined: no quota. */
  quotaBytesLeft?: number;
}

/** Generous per-part multipart overhead (boundary and part headers; busboy caps part headers at 16 KiB). */
export const PART_OVERHEAD_BYTES = 16 * 1024 + 512;

interface ByteLimit {
  bytes: number;
  refusal: () => ArtifactError;
}

const tooLarge = (limits: UploadLimits) => () =>
  new ArtifactError('UPLOAD_TOO_LARGE', `The upload is larger than allowed (at most ${limits.maxTotalBytes} bytes of files).`);

const overQuota = (left: number) => () =>
  new ArtifactError(
    'QUOTA_EXCEEDED',
    `The upload does not fit in this tenant's storage quota (${Math.max(0, left)} bytes left): delete model versions or candidate artifacts, or ask the operator for a larger quota.`,
  );

export function checkLimits(limits: UploadLimits): void {
  for (const key of ['maxTotalBytes', 'maxFiles', 'maxModelJsonBytes', 'maxModelParameters'] as const) {
    if (!Number.isSafeInteger(limits[key]) || limits[key] < 1) throw new RangeError(`${key} must be a positive integer`);
  }
}

/** The error to answer at once when a Content-Length says the files cannot fit, else undefined. */
export function refusalForContentLength(declared: number, limits: UploadLimits): ArtifactError | undefined {
  if (!Number.isFinite(declared)) return undefined;
  const files = declared - (limits.maxFiles + 1) * PART_OVERHEAD_BYTES;
  if (files > limits.maxTotalBytes) return tooLarge(limits)();
  if (limits.quotaBytesLeft !== undefined && files > limits.quotaBytesLeft) return overQuota(limits.quotaBytesLeft)();
  return undefined;
}

/** The tightest limit on the next file, `name`, after `used` bytes of earlier files. */
export function budgetFor(name: string, used: number, limits: UploadLimits): ByteLimit {
  const candidates: ByteLimit[] = [{ bytes: limits.maxTotalBytes - used, refusal: tooLarge(limits) }];
  if (limits.quotaBytesLeft !== undefined) candidates.push({ bytes: limits.quotaBytesLeft - used, refusal: overQuota(limits.quotaBytesLeft) });
  if (name === MODEL_JSON) {
    candidates.push({
      bytes: limits.maxModelJsonBytes,
      refusal: () => new ArtifactError('UPLOAD_TOO_LARGE', `${MODEL_JSON} is larger than allowed (at most ${limits.maxModelJsonBytes} bytes).`),
    });
  }
  return candidates.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}
