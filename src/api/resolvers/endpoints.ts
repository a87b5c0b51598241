import type { Endpoint, Resolvers } from '../generated/graphql.ts';
import type { EndpointEnrollment, RegisteredEndpoint, Verification } from '../../db/generated/client.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { DEFAULT_ENDPOINT_NAME } from '../../registry/endpoints.service.ts';

/** A registered endpoint as the API shows it (never its credential). */
export function registeredEndpointView(e: RegisteredEndpoint): Endpoint {
  return {
    id: e.id,
    registered: true,
    name: e.name,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    removedAt: e.removedAt,
    url: e.url,
    protocol: e.protocol,
    modelName: e.modelName,
    hasCredential: e.credentialRecordId !== null,
    inputFormat: e.inputFormat,
  };
}

/**
 * What a verification or enrollment queried: the address recorded when it was requested (a
 * registered endpoint may have changed since), named by its registered endpoint when it had one.
 */
function queriedEndpointView(
  request: Pick<Verification | EndpointEnrollment, 'endpointUrl' | 'endpointProtocol' | 'endpointModelName' | 'endpointInputFormat' | 'hasEndpointCredential'>,
  registered: RegisteredEndpoint | null,
): Endpoint | null {
  if (!request.endpointUrl || !request.endpointProtocol) return null;
  return {
    id: registered?.id ?? null,
    registered: registered !== null,
    name: registered?.name ?? null,
    createdAt: registered?.createdAt ?? null,
    updatedAt: registered?.updatedAt ?? null,
    removedAt: registered?.removedAt ?? null,
    url: request.endpointUrl,
    protocol: request.endpointProtocol,
    modelName: request.endpointModelName ?? '',
    hasCredential: request.hasEndpointCredential || (registered?.credentialRecordId ?? null) !== null,
    inputFormat: request.endpointInputFormat ?? 'FLOAT32',
  };
}

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
        const active = await services.endpoints.forVersion(version.id);
        const chosen = active.length === 1 ? active[0]! : active.find((e) => e.name === DEFAULT_ENDPOINT_NAME);
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
