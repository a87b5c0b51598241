import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';

export const vaultResolvers: Resolvers = {
  Query: {
    auditEvents: (_parent, { first, after, filter }, { services }) =>
      queryResult(async () => toConnection(await services.audit.list({ first, after }, filter ?? {}))),
  },
  Mutation: {
    rotateTenantKey: (_parent, { input }, { services }) =>
      mutationPayload(async () => {
        const result = await services.keys.rotate(input.tenantId, input.rewrap ?? true);
        return { ...result, job: result.jobId ? await services.jobs.get(result.jobId) : null };
      }),
    rewrapTenantSecrets: (_parent, { input }, { services }) => mutationPayload(() => services.keys.rewrap(input.tenantId, input.batchSize ?? 500)),
    retireTenantKeyVersions: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({ keyring: await services.keys.retire(input.tenantId, input.minVersion, input.force ?? false) })),
    deleteTenant: (_parent, { input }, { services }) => mutationPayload(() => services.tenants.delete(input.id, input.gracePeriodDays ?? 0)),
  },
  Tenant: {
    keyring: (tenant, _args, { services }) => queryResult(() => services.keys.status(tenant.id)),
  },
  AuditEvent: {
    details: (event) => (event.details === null ? null : JSON.stringify(event.details)),
  },
};
