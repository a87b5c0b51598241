/**
 * PUT /v1/model-versions/:id/artifact — upload a TF.js Layers model folder for a version created
 * with createModelVersion, as multipart/form-data, one part per file, the part's filename being
 * the file's path in the folder:
 *
 *   curl -X PUT -H "Authorization: Bearer $KEY" \
 *     -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin" \
 *     $URL/v1/model-versions/$VERSION/artifact
 *
 * The upload is streamed to a private staging area under a size limit, validated (loads as a
 * classifier, shards complete, digest computed here) and only then committed to the
 * content-addressed store; any failure leaves nothing stored. Versions are immutable: a second
 * upload is refused with 409.
 */
import type http from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Services } from '../../app/services.ts';
import type { ArtifactStore } from '../../registry/artifacts/artifact-store.ts';
import { ARTIFACT_ERROR_HTTP_STATUS, type ArtifactErrorCode } from '../../registry/artifacts/artifact.errors.ts';
import { receiveTfjsLayersUpload, type ValidatedArtifact } from '../../registry/artifacts/tfjs-upload.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { requireActor } from '../../auth/auth.errors.ts';
import { isAtLeast } from '../../auth/roles.ts';
import type { Actor } from '../../auth/actor.ts';

/** A TF.js Layers folder is model.json plus its shards; 64 files is far more than real models use. */
const MAX_ARTIFACT_FILES = 64;

export const ARTIFACT_ROUTE = /^\/v1\/model-versions\/([^/]+)\/artifact$/;

const STATUS_BY_CODE: Record<string, number> = {
  ...ARTIFACT_ERROR_HTTP_STATUS,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  MODEL_VERSION_NOT_FOUND: 404,
  VERSION_IMMUTABLE: 409,
};

export interface UploadContext {
  config: Config;
  store: ArtifactStore;
  services: Services;
  actor: Actor | null;
}

export const CANDIDATE_ROUTE = /^\/v1\/verification-artifacts$/;

type UploadResponse = { status: number; body: object };

/**
 * What both upload routes share: PUT only, an OPERATOR key, the upload limits, and domain errors
 * answered as JSON with their status (the rest of a refused body is drained).
 */
async function uploadRoute(
  req: http.IncomingMessage,
  context: UploadContext,
  forbidden: (actor: Actor) => string | null,
  work: (receive: () => Promise<ValidatedArtifact>) => Promise<UploadResponse>,
): Promise<UploadResponse> {
  try {
    if (req.method !== 'PUT') return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use PUT.' } } };
    const refusal = forbidden(requireActor(context.actor));
    if (refusal) throw new DomainError('FORBIDDEN', refusal);
    return await work(() => receiveTfjsLayersUpload(req, context.store, { maxTotalBytes: context.config.artifacts.maxUploadBytes, maxFiles: MAX_ARTIFACT_FILES }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    req.resume();
    return { status: STATUS_BY_CODE[error.code as ArtifactErrorCode] ?? 400, body: { error: { code: error.code, message: error.message } } };
  }
}

/**
 * PUT /v1/verification-artifacts — upload a model copy only to check it (verifyModel with
 * mode ARTIFACT and candidateArtifactId), e.g. the copy a customer received. Same multipart
 * format and validation as a version's artifact.
 */
export function handleCandidateUpload(req: http.IncomingMessage, context: UploadContext): Promise<UploadResponse> {
  return uploadRoute(
    req,
    context,
    (actor) => (!isAtLeast(actor.role, 'OPERATOR') || !actor.tenantId ? 'Uploading artifacts needs a tenant OPERATOR key or stronger.' : null),
    async (receive) => {
      const candidate = await context.services.verifications.registerCandidate(await receive());
      return {
        status: 201,
        body: { candidateArtifact: { id: candidate.id, weightsDigest: candidate.weightsDigest, inputShape: candidate.inputShape, numClasses: candidate.numClasses } },
      };
    },
  );
}

export function handleArtifactUpload(req: http.IncomingMessage, versionId: string, context: UploadContext): Promise<UploadResponse> {
  return uploadRoute(
    req,
    context,
    (actor) => (isAtLeast(actor.role, 'OPERATOR') ? null : 'Uploading artifacts needs an OPERATOR key or stronger.'),
    async (receive) => {
      const version = await context.services.models.getVersion(versionId);
      if (!version) throw new DomainError('MODEL_VERSION_NOT_FOUND', 'No such model version.');
      if (version.status !== 'AWAITING_UPLOAD') {
        throw new DomainError('VERSION_IMMUTABLE', 'This version already has its artifact; versions are immutable: create a new version.');
      }
      const updated = await context.services.models.attachArtifact(versionId, await receive());
      return {
        status: 200,
        body: {
          modelVersion: {
            id: updated.id,
            status: updated.status,
            inputShape: updated.inputShape,
            numClasses: updated.numClasses,
            weightsDigest: updated.weightsDigest,
            artifactDigest: updated.artifactDigest,
            artifactBytes: updated.artifactBytes,
          },
        },
      };
    },
  );
}
