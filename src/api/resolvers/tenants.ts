import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload } from '../errors/error-mapping.ts';

export const tenantResolvers: Resolvers = {
  Mutation: {
    createTenant: (_parent, { input }, { services }) => mutationPayload(() => services.tenants.create({ name: input.name, slug: input.slug })),
  },
};
