import type { Actor } from '../../auth/actor.ts';

/** The parent value of the Viewer type: the authenticated actor. */
export interface ViewerParent {
  actor: Actor;
}

import type { Resolvers } from '../generated/graphql.ts';
import { queryResult } from '../errors/error-mapping.ts';
import { requireActor } from '../../auth/auth.errors.ts';

export const viewerResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, { actor }) => queryResult(async () => ({ actor: requireActor(actor) })),
  },
  Viewer: {
    apiKey: (_parent, _args, { services }) => queryResult(() => services.apiKeys.current()),
    role: ({ actor }) => actor.role,
    tenant: (_parent, _args, { services }) => queryResult(() => services.tenants.current()),
  },
};
