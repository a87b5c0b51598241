import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { domainToJson } from '../../engine/index.ts';
import { versionInputDomain } from '../../registry/input-domain.ts';

export const registryResolvers: Resolvers = {
  Query: {
    models: (_parent, { first, after, filter }, { services }) => queryResult(async () => toConnection(await services.models.list({ first, after }, filter ?? {}))),
    model: (_parent, { id }, { services }) => queryResult(() => services.models.get(id)),
    modelVersion: (_parent, { id }, { services }) => queryResult(() => services.models.getVersion(id)),
  },
  Mutation: {
    registerModel: (_parent, { input }, { services }) => mutationPayload(async () => ({ model: await services.models.register(input) })),
    createModelVersion: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ modelVersion: await services.models.createVersion(input) })),
    setModelAlias: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ alias: await services.models.setAlias(input.modelId, input.alias, input.versionId) })),
  },
  Model: {
    versions: (model, { first, after }, { services }) => queryResult(async () => toConnection(await services.models.versions(model.id, { first, after }))),
    aliases: (model, _args, { services }) => queryResult(() => services.models.aliases(model.id)),
  },
  ModelAlias: {
    version: async (alias, _args, { services }) => (await services.models.getVersion(alias.versionId))!,
  },
  ModelVersion: {
    uploadPath: (version) => `/v1/model-versions/${version.id}/artifact`,
    inputDomain: (version) => domainToJson(versionInputDomain(version)),
    model: async (version, _args, { services }) => (await services.models.get(version.modelId))!,
    aliases: (version, _args, { services }) => queryResult(() => services.models.aliasesOfVersion(version.id)),
    watermarks: (version, { first, after }, { services }) =>
      queryResult(async () => toConnection(await services.watermarks.forVersion(version.id, { first, after }))),
  },
};
