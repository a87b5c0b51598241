import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';

export const enrollmentResolvers: Resolvers = {
  Query: {
    endpointEnrollment: (_parent, { id }, { services }) => queryResult(() => services.enrollments.get(id)),
  },
  Mutation: {
    enrollEndpoint: (_parent, { input }, { services }) => mutationPayload(() => services.enrollments.enroll(input)),
  },
  EndpointEnrollment: {
    stableCount: (e) => (e.status === 'ENROLLED' ? e.stableIndices.length : null),
    observedMargins: (e, _args, { services }) => services.enrollments.observedMargins(e),
    watermark: async (e, _args, { services }) => (await services.watermarks.get(e.watermarkId))!,
    modelVersion: async (e, _args, { services }) => (await services.models.getVersion(e.modelVersionId))!,
    job: async (e, _args, { services }) => (await services.jobs.get(e.jobId))!,
  },
  Job: {
    enrollment: (job, _args, { services }) => queryResult(() => services.enrollments.forJob(job.id)),
  },
  ModelVersion: {
    enrollments: (version, { first, after }, { services }) => queryResult(async () => toConnection(await services.enrollments.forVersion(version.id, { first, after }))),
  },
  Verification: {
    enrollment: (v, _args, { services }) => queryResult(async () => (v.enrollmentId ? services.enrollments.get(v.enrollmentId) : null)),
  },
};
