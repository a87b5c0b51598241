/**
 * Registered endpoints' database access: the reads through the caller's tenant-scoped client,
 * the unscoped transaction that registering, changing and removing run in (they also seal the
 * credential and audit: EndpointsService keeps those), and the writes made inside it.
 * RegisteredEndpoint has no JSON column.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Model, ModelVersion, RegisteredEndpoint } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';

/** A version's active endpoints are few; this bounds what one version can hold. */
export const MAX_ENDPOINTS_PER_VERSION = 50;

/** Where an endpoint points, as stored. */
export type EndpointColumns = Pick<RegisteredEndpoint, 'url' | 'protocol' | 'modelName' | 'inputFormat'>;

/** One tenant's registered endpoints, through its scoped client (src/db/tenant-scope.ts). */
export class EndpointsRepository {
  /** `db`: the unscoped client, only for the transactions that also seal and audit (their writes name the tenant). */
  constructor(
    private readonly scoped: TenantDatabase,
    private readonly db: Database,
  ) {}

  /** A version of the tenant with its model, or null (also for ids that are not UUIDs). */
  version(id: string): Promise<(ModelVersion & { model: Model }) | null> {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id }, include: { model: true } }) : Promise.resolve(null);
  }

  get(id: string): Promise<RegisteredEndpoint | null> {
    return endpointById(this.scoped, id);
  }

  active(modelVersionId: string): Promise<RegisteredEndpoint[]> {
    return activeEndpoints(this.scoped, modelVersionId);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.$transaction(work);
  }
}

/** A registered endpoint of the tenant (removed ones too), or null (also for ids that are not UUIDs). */
export function endpointById(scoped: TenantDatabase, id: string): Promise<RegisteredEndpoint | null> {
  return isUuid(id) ? scoped.registeredEndpoint.findUnique({ where: { id } }) : Promise.resolve(null);
}

/** The version's active endpoints, oldest first (at most MAX_ENDPOINTS_PER_VERSION). */
export function activeEndpoints(scoped: TenantDatabase, modelVersionId: string): Promise<RegisteredEndpoint[]> {
  return scoped.registeredEndpoint.findMany({ where: { modelVersionId, removedAt: null }, orderBy: { id: 'asc' }, take: MAX_ENDPOINTS_PER_VERSION });
}

/**
 * Locks the version's row until the transaction ends (serialises registrations of one version),
 * then counts its active endpoints and says whether one of them is named `name`.
 */
export async function lockVersionEndpoints(tx: Transaction, modelVersionId: string, name: string): Promise<{ active: number; nameTaken: boolean }> {
  await tx.$queryRaw`SELECT id FROM "ModelVersion" WHERE id = ${modelVersionId}::uuid FOR UPDATE`;
  const active = await tx.registeredEndpoint.count({ where: { modelVersionId, removedAt: null } });
  const named = await tx.registeredEndpoint.findFirst({ where: { modelVersionId, name, removedAt: null }, select: { id: true } });
  return { active, nameTaken: named !== null };
}

export function createEndpoint(tx: Transaction, fields: EndpointColumns & { tenantId: string; modelVersionId: string; name: string }): Promise<RegisteredEndpoint> {
  return tx.registeredEndpoint.create({ data: fields });
}

/** Points the endpoint elsewhere; its stored credential (if any) no longer applies. */
export function repointEndpoint(tx: Transaction, id: string, columns: EndpointColumns): Promise<RegisteredEndpoint> {
  return tx.registeredEndpoint.update({ where: { id }, data: { ...columns, credentialRecordId: null } });
}

/** Records that the endpoint's credential is sealed in the vault under the endpoint's own id. */
export function credentialSealed(tx: Transaction, id: string): Promise<RegisteredEndpoint> {
  return tx.registeredEndpoint.update({ where: { id }, data: { credentialRecordId: id } });
}

export function removeEndpoint(tx: Transaction, id: string, now: Date): Promise<RegisteredEndpoint> {
  return tx.registeredEndpoint.update({ where: { id }, data: { removedAt: now } });
}
