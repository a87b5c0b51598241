import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';

export const apiKeyResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, { first, after, filter }, { services }) =>
      queryResult(async () => toConnection(await services.apiKeys.list({ first, after }, { active: filter?.active }))),
  },
  Mutation: {
    createApiKey: (_parent, { input }, { services }) =>
      mutationPayload(() =>
        services.apiKeys.create({ name: input.name, role: input.role, expiresAt: input.expiresAt, tenantId: input.tenantId }),
      ),
    revokeApiKey: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ apiKey: await services.apiKeys.revoke(input.id) })),
  },
  ApiKey: {
    active: (key) => !key.revokedAt && (!key.expiresAt || key.expiresAt > new Date()),
  },
};
