import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';

export const tenantResolvers: Resolvers = {
  Query: {
    tenants: (_parent, { first, after, filter }, { services }) =>
      queryResult(async () => toConnection(await services.tenants.list({ first, after }, { active: filter?.active }))),
  },
  Mutation: {
    createTenant: (_parent, { input }, { services }) => mutationPayload(() => services.tenants.create({ name: input.name, slug: input.slug })),
  },
};
