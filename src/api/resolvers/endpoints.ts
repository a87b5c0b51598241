import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { defaultEndpoint, queriedEndpointView, registeredEndpointView } from '../../registry/endpoints.service.ts';

export const endpointResolvers: Resolvers = {
  Mutation: {
    registerEndpoint: (_parent, { input }, { services }) => mutationPayload(async () => ({ endpoint: registeredEndpointView(await services.endpoints.register(input)) })),
    updateEndpoint: (_parent, { input }, { services }) => mutationPayload(async () => ({ endpoint: registeredEndpointView(await services.endpoints.update(input.id, input.endpoint)) })),
    removeEndpoint: (_parent, { input }, { services }) => mutationPayload(async () => ({ endpoint: registeredEndpointView(await services.endpoints.remove(input.id)) })),
  },
  ModelVersion: {
    endpoints: (version, _args, { services }) => queryResult(async () => (await services.endpoints.forVersion(version.id)).map(registeredEndpointView)),
    endpoint: (version, _args, { services }) =>
      queryResult(async () => {
        const chosen = defaultEndpoint(await services.endpoints.forVersion(version.id));
        return chosen ? registeredEndpointView(chosen) : null;
      }),
  },
  Verification: {
    endpoint: (v, _args, { services }) => queryResult(async () => queriedEndpointView(v, v.endpointId ? await services.endpoints.get(v.endpointId) : null)),
    checkedWeightsDigest: (v) => v.checkedDigest,
    weightsMatchRegistered: async (v, _args, { services }) => {
      if (v.mode !== 'ARTIFACT' || !v.checkedDigest) return null;
      const version = await services.models.getVersion(v.modelVersionId);
      return version?.weightsDigest === v.checkedDigest;
    },
  },
  EndpointEnrollment: {
    endpoint: (e, _args, { services }) => queryResult(async () => queriedEndpointView(e, e.endpointId ? await services.endpoints.get(e.endpointId) : null)!),
  },
};
