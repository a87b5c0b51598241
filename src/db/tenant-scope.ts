/**
 * Tenant isolation in one place. Every request gets a client from `scopeToTenant`, which adds
 * the caller's tenant to every query on a tenant-owned model: reads and writes of another
 * tenant's rows by id find nothing, and creates are stamped with the caller's tenant.
 * Services never add `tenantId` filters by hand. (The vault, below the services, addresses its
 * rows by keyring explicitly and binds the tenant into every ciphertext; see src/vault.)
 *
 * A new model with a `tenantId` column must be listed in TENANT_OWNED_MODELS; a test
 * (tenant-scope.test.ts) fails when schema.prisma has one that is not.
 */
import type { Database } from './client.ts';

/** Models whose rows belong to one tenant (column `tenantId`). */
export const TENANT_OWNED_MODELS = [
  'ApiKey', 'AuditEvent', 'VaultKeyring', 'VaultKey', 'VaultSecret', 'Model', 'ModelVersion', 'ModelAlias', 'Job', 'Watermark',
  'Verification', 'CandidateArtifact', 'Attestation', 'Challenge', 'EndpointEnrollment', 'ModelSigningKey', 'RegisteredEndpoint',
  'WebhookSubscription', 'WebhookSecret', 'WebhookEvent', 'WebhookDelivery', 'WebhookAttempt',
  'Monitor', 'IntegrityChange', 'IntegrityAlert',
] as const;

const OWNED = new Set<string>(TENANT_OWNED_MODELS);

const FILTERED = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy',
  'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany',
]);

export class TenantScopeViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantScopeViolation';
  }
}

/**
 * `tenantId` null is the platform scope: platform-admin keys and other rows that belong to no
 * tenant. Rows of tenants stay invisible from it.
 */
export function scopeToTenant(db: Database, tenantId: string | null) {
  return db.$extends({
    name: 'tenant-scope',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const a = (args ?? {}) as Record<string, any>;
          if (model === 'Tenant') {
            if (!FILTERED.has(operation)) throw new TenantScopeViolation(`Tenant.${operation} is not allowed on a tenant-scoped client`);
            return query({ ...a, where: { ...a.where, id: tenantId ?? '00000000-0000-0000-0000-000000000000' } } as never);
          }
          if (!OWNED.has(model)) return query(args);
          if (FILTERED.has(operation)) return query({ ...a, where: scopedWhere(a.where, tenantId) } as never);
          switch (operation) {
            case 'create':
              return query({ ...a, data: stamp(a.data, tenantId) } as never);
            case 'createMany':
            case 'createManyAndReturn':
              return query({ ...a, data: (Array.isArray(a.data) ? a.data : [a.data]).map((d: Record<string, unknown>) => stamp(d, tenantId)) } as never);
            case 'upsert':
              return query({ ...a, where: scopedWhere(a.where, tenantId), create: stamp(a.create, tenantId) } as never);
            default:
              throw new TenantScopeViolation(`${model}.${operation} is not supported on a tenant-scoped client`);
          }
        },
      },
    },
  });
}

export type TenantDatabase = ReturnType<typeof scopeToTenant>;

function scopedWhere(where: Record<string, unknown> | undefined, tenantId: string | null): Record<string, unknown> {
  if (where && 'tenantId' in where && where.tenantId !== tenantId) {
    throw new TenantScopeViolation('refusing to filter on another tenant');
  }
  return { ...where, tenantId };
}

function stamp(data: Record<string, unknown>, tenantId: string | null): Record<string, unknown> {
  if ('tenantId' in data && data.tenantId !== tenantId) {
    throw new TenantScopeViolation('refusing to create a row for another tenant');
  }
  return { ...data, tenantId };
}
