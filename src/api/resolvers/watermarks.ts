import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { domainFromJson, domainToJson, parseVerdictPolicy } from '../../engine/index.ts';
import { watermarkStrength, weakReasons } from '../../watermarks/watermark-strength.ts';

export const watermarkResolvers: Resolvers = {
  Query: {
    watermark: (_parent, { id }, { services }) => queryResult(() => services.watermarks.get(id)),
    job: (_parent, { id }, { services }) => queryResult(() => services.jobs.get(id)),
    jobs: (_parent, { first, after, filter }, { services }) => queryResult(async () => toConnection(await services.jobs.list({ first, after }, filter ?? {}))),
  },
  Mutation: {
    startWatermark: (_parent, { input }, { services }) => mutationPayload(() => services.watermarks.start(input)),
    cancelJob: (_parent, { input }, { services }) => mutationPayload(async () => ({ job: await services.jobs.cancel(input.id) })),
  },
  Job: {
    watermark: (job, _args, { services }) => queryResult(() => services.watermarks.forJob(job.id)),
    verification: (job, _args, { services }) => queryResult(() => services.verifications.forJob(job.id)),
  },
  Watermark: {
    parameters: (watermark) => JSON.stringify(watermark.parameters),
    policy: (watermark) => parseVerdictPolicy(watermark.policy),
    selfCheck: (watermark) => watermark.selfCheck as never,
    inputDomain: (watermark) => domainToJson(domainFromJson(watermark.inputDomain)),
    strength: (watermark) => {
      const strength = watermarkStrength(watermark);
      return { ...strength, level: strength.level === 'weak' ? 'WEAK' : 'STANDARD', reasons: weakReasons(strength.triggers, strength.flipFractionUnderNoise) };
    },
    modelVersion: async (watermark, _args, { services }) => (await services.models.getVersion(watermark.modelVersionId))!,
    job: async (watermark, _args, { services }) => (await services.jobs.get(watermark.jobId))!,
    verifications: (watermark, { first, after }, { services }) =>
      queryResult(async () => toConnection(await services.verifications.list({ first, after }, { watermarkId: watermark.id }))),
  },
};
