/**
 * PUT /v1/model-versions/:id/artifact — upload a TF.js Layers model folder for a version created
 * with createModelVersion, as multipart/form-data, one part per file, the part's filename being
 * the file's path in the folder:
 *
 *   curl -X PUT -H "Authorization: Bearer $KEY" \
 *     -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin" \
 *     $URL/v1/model-versions/$VERSION/artifact
 *
 * The upload is streamed to a private staging area under the size limits and what is left of the
 * tenant's storage quota, validated in a worker thread (loads as a classifier, shards complete,
 * digest computed there), recorded, and moved into the content-addressed store last, inside the
 * recording transaction (where the quota is checked again under a per-tenant lock): any failure
 * leaves nothing stored and no row. Versions are immutable: a second upload is refused with 409.
 */
import type http from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Services } from '../../app/services.ts';
import type { ModelArtifacts } from '../../registry/artifacts/model-artifacts.ts';
import { httpStatusOf, isInternal } from '../errors/error-mapping.ts';
import { receiveModelUpload, type ReceivedArtifact } from './model-upload-receiver.ts';
import { enforceStorageQuota } from '../../registry/storage-quota.ts';
import type { Transaction } from '../../db/client.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { requireActor } from '../../auth/auth.errors.ts';
import { isAtLeast } from '../../auth/roles.ts';
import type { Actor } from '../../auth/actor.ts';

/** A TF.js Layers folder is model.json plus its shards; 64 files is far more than real models use. */
const MAX_ARTIFACT_FILES = 64;
/** Artifact sizes are recorded in int4 columns (ModelVersion.artifactBytes). */
const MAX_RECORDED_BYTES = 2 ** 31 - 1;

export const ARTIFACT_ROUTE = /^\/v1\/model-versions\/([^/]+)\/artifact$/;

export interface UploadContext {
  config: Config;
  store: ModelArtifacts;
  services: Services;
  actor: Actor | null;
}

export const CANDIDATE_ROUTE = /^\/v1\/verification-artifacts$/;

type UploadResponse = { status: number; body: object };

/**
 * Records a received artifact: `record` writes its row and runs the given step last inside the
 * same transaction; the step checks the storage quota under the tenant's lock and moves the
 * staged files into the store, so a failure anywhere leaves neither a row nor a blob.
 */
type Recorder = (received: ReceivedArtifact, beforeCommit: (tx: Transaction) => Promise<void>) => Promise<UploadResponse>;

/**
 * What both upload routes share: PUT only, an OPERATOR key, the upload limits (the tenant's
 * remaining quota among them), and domain errors answered as JSON with their status (the rest of
 * a refused body is drained). `before` runs before the body is read.
 */
async function uploadRoute(
  req: http.IncomingMessage,
  context: UploadContext,
  forbidden: (actor: Actor) => string | null,
  before: () => Promise<void>,
  record: Recorder,
): Promise<UploadResponse> {
  let received: ReceivedArtifact | undefined;
  try {
    if (req.method !== 'PUT') return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use PUT.' } } };
    const actor = requireActor(context.actor);
    const refusal = forbidden(actor);
    if (refusal) throw new DomainError('FORBIDDEN', refusal);
    await before();
    const { artifacts, uploads } = context.config;
    const quota = uploads.tenantQuotaBytes;
    received = await receiveModelUpload(req, context.store, {
      maxTotalBytes: Math.min(artifacts.maxUploadBytes, MAX_RECORDED_BYTES),
      maxFiles: MAX_ARTIFACT_FILES,
      maxModelJsonBytes: uploads.maxModelJsonBytes,
      maxModelParameters: uploads.maxModelParameters,
      memoryBudgetMb: context.config.engine.memoryBudgetMb,
      backend: context.config.engine.backend,
      quotaBytesLeft: quota === 0 ? undefined : quota - (await context.services.models.storedArtifactBytes()),
    });
    const artifact = received;
    return await record(artifact, async (tx) => {
      await enforceStorageQuota(tx, actor.tenantId!, quota);
      await artifact.store();
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    req.resume();
    // A server fault keeps its message to the logs (the route's caller logs what it rethrows).
    if (isInternal(error)) throw error;
    return { status: httpStatusOf(error), body: { error: { code: error.code, message: error.message } } };
  } finally {
    // Nothing is left staged, stored or not (a folder that cannot be removed now is left to sweepStaging()).
    await received?.discard().catch(() => undefined);
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
    async () => {},
    async (received, beforeCommit) => {
      const candidate = await context.services.verifications.registerCandidate(received, beforeCommit);
      return {
        status: 201,
        body: { candidateArtifact: { id: candidate.id, weightsDigest: candidate.weightsDigest, format: received.format, inputShape: candidate.inputShape, numClasses: candidate.numClasses } },
      };
    },
  );
}

export function handleArtifactUpload(req: http.IncomingMessage, versionId: string, context: UploadContext): Promise<UploadResponse> {
  return uploadRoute(
    req,
    context,
    (actor) => (isAtLeast(actor.role, 'OPERATOR') ? null : 'Uploading artifacts needs an OPERATOR key or stronger.'),
    async () => {
      const version = await context.services.models.getVersion(versionId);
      if (!version) throw new DomainError('MODEL_VERSION_NOT_FOUND', 'No such model version.');
      if (version.status !== 'AWAITING_UPLOAD') {
        throw new DomainError('VERSION_IMMUTABLE', 'This version already has its artifact; versions are immutable: create a new version.');
      }
    },
    async (received, beforeCommit) => {
      const updated = await context.services.models.attachArtifact(versionId, received, beforeCommit);
      return {
        status: 200,
        body: {
          modelVersion: {
            id: updated.id,
            status: updated.status,
            format: updated.format,
            inputShape: updated.inputShape,
            inputLayout: updated.inputLayout,
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
