/** OpenSSF model signing: the tenant's signing keys, and signatures attached to versions. */
import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { verifiedSignatureOf } from '../../registry/model-signing/verified-signature.ts';

export const modelSigningResolvers: Resolvers = {
  Query: {
    modelSigningKeys: (_parent, { first, after, filter }, { services }) =>
      queryResult(async () => toConnection(await services.modelSigningKeys.list({ first, after }, { active: filter?.active }))),
  },
  Mutation: {
    registerModelSigningKey: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ signingKey: await services.modelSigningKeys.register(input) })),
    revokeModelSigningKey: (_parent, { input }, { services }) => mutationPayload(() => services.modelSigningKeys.revoke(input.id)),
    attachModelSignature: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ modelVersion: await services.modelSignatures.attach(input) })),
  },
  ModelVersion: {
    signature: (version) => verifiedSignatureOf(version),
  },
  ModelSignature: {
    format: () => 'oms-v1.0',
    signingKey: async (signature, _args, { services }) => (await services.modelSigningKeys.get(signature.signingKeyId))!,
  },
};
