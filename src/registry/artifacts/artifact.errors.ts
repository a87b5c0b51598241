import { DomainError } from '../../errors/domain-error.ts';

/**
 * - `UPLOAD_TOO_LARGE`: the upload passes the byte budget, or its model.json the model.json cap
 *   (the request is cut off early, before model.json is parsed).
 * - `QUOTA_EXCEEDED`: storing the upload would take the tenant past its storage quota (refused
 *   from Content-Length or while streaming, before anything is stored).
 * - `INVALID_UPLOAD`: the request itself is wrong (not multipart/form-data, a non-file field, an
 *   unsafe or duplicate file name, too many files, a malformed or aborted body, no files).
 * - `INVALID_MODEL`: the files arrived but are not a loadable TF.js Layers classifier (model.json
 *   missing or malformed, shards missing, extra, truncated or padded, TF.js refuses it, not a
 *   single-input single-output classifier, declares more parameters than allowed or other weights
 *   than its manifest lists).
 * - `ARTIFACT_CORRUPT`: a stored blob is missing or no longer matches its recorded SHA-256 or size
 *   (a server-side integrity failure, not the client's fault).
 */
export type ArtifactErrorCode = 'UPLOAD_TOO_LARGE' | 'QUOTA_EXCEEDED' | 'INVALID_UPLOAD' | 'INVALID_MODEL' | 'ARTIFACT_CORRUPT';

/** Failures of artifact upload, validation and storage. Messages are shown to API clients: they never hold server paths. */
export class ArtifactError extends DomainError<ArtifactErrorCode> {
  constructor(code: ArtifactErrorCode, message: string, field?: string[]) {
    super(code, message, field);
    this.name = 'ArtifactError';
  }
}

/** Suggested HTTP status of each code for the plain upload route. */
export const ARTIFACT_ERROR_HTTP_STATUS: Readonly<Record<ArtifactErrorCode, number>> = Object.freeze({
  UPLOAD_TOO_LARGE: 413,
  // 413, not 507: the client can fix it (delete artifacts, ask for a larger quota), and a 5xx
  // invites generic clients and proxies to retry an upload that cannot succeed.
  QUOTA_EXCEEDED: 413,
  INVALID_UPLOAD: 400,
  INVALID_MODEL: 422,
  ARTIFACT_CORRUPT: 500,
});

export function isArtifactError(error: unknown, code?: ArtifactErrorCode): error is ArtifactError {
  return error instanceof ArtifactError && (code === undefined || error.code === code);
}
