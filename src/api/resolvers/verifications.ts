import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { AuthError } from '../../auth/auth.errors.ts';
import { isUuid } from '../../common/ids.ts';
import { VerificationsError } from '../../verifications/verifications.errors.ts';
import { storedDsseEnvelope } from '../../attestations/crypto/dsse-envelope.ts';
import { parseVerdictPolicy } from '../../engine/index.ts';

export const verificationResolvers: Resolvers = {
  Query: {
    verification: (_parent, { id }, { services }) => queryResult(() => services.verifications.get(id)),
    verifications: (_parent, { first, after, filter }, { services }) =>
      queryResult(async () => {
        // A filter id that is no UUID would make PostgreSQL fail the query: the client's mistake.
        for (const field of ['modelId', 'modelVersionId'] as const) {
          const id = filter?.[field];
          if (id !== null && id !== undefined && !isUuid(id)) {
            throw new VerificationsError('INVALID_VERIFICATION_INPUT', `filter.${field} is not a valid id.`, ['filter', field]);
          }
        }
        return toConnection(await services.verifications.list({ first, after }, filter ?? {}));
      }),
    attestationStatus: (_parent, { jti }, { services }) => services.attestations.status(jti),
  },
  Mutation: {
    verifyModel: (_parent, { input }, { services }) =>
      mutationPayload(async () => {
        const { verification, jobId } = await services.verifications.verify({ ...input, mode: input.mode === 'ENDPOINT' ? 'ENDPOINT' : input.mode === 'ARTIFACT' ? 'ARTIFACT' : invalidMode() });
        return { verification, job: await services.jobs.get(jobId) };
      }),
    createChallenge: (_parent, { input }, { services }) => mutationPayload(() => services.challenges.createChallenge(input)),
    answerChallenge: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ verification: await services.challenges.answerChallenge(input.challengeId, input.labels) })),
    rotateSigningKey: (_parent, _args, { services }) => mutationPayload(() => services.attestations.rotateSigningKey()),
    revokeAttestation: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ attestation: await services.attestations.revoke(input.jti, input.reason ?? null) })),
  },
  Verification: {
    policy: (v) => parseVerdictPolicy(v.policy),
    modelVersion: async (v, _args, { services }) => (await services.models.getVersion(v.modelVersionId))!,
    watermark: async (v, _args, { services }) => (await services.watermarks.get(v.watermarkId))!,
    job: (v, _args, { services }) => (v.jobId ? services.jobs.get(v.jobId) : null),
    attestation: (v, _args, { services }) => services.attestations.forVerification(v.id),
  },
  Attestation: {
    revoked: (a) => a.revokedAt !== null,
    dsseEnvelope: (a) => (a.dsseEnvelope === null ? null : storedDsseEnvelope(a.dsseEnvelope)),
    // The envelope is this server's own record: its payload is shown as stored, for reading.
    statement: (a) => (a.dsseEnvelope === null ? null : Buffer.from(storedDsseEnvelope(a.dsseEnvelope).payload, 'base64').toString('utf8')),
  },
  Challenge: {
    size: (c) => c.triggerIndices.length,
  },
  Model: {
    latestVerification: (model, _args, { services }) => services.history.latestByModel.load(model.id),
    verificationCounts: (model, _args, { services }) => services.history.countsByModel.load(model.id),
  },
  ModelVersion: {
    latestVerification: (version, _args, { services }) => services.history.latestByVersion.load(version.id),
    verificationCounts: (version, _args, { services }) => services.history.countsByVersion.load(version.id),
  },
};

function invalidMode(): never {
  throw new AuthError('INVALID_INPUT', 'verifyModel takes mode ARTIFACT or ENDPOINT; use createChallenge for CHALLENGE.', ['input', 'mode']);
}
