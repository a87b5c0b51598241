/**
 * Tenants' database access. On the root client: tenants are the platform's rows, and platform
 * admins list, create and delete any of them (TenantsService authorises first); a tenant's own
 * row is read through its scoped client.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { ApiKey, Job, Tenant } from '../db/generated/client.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';

/** The first TENANT_ADMIN key's columns, created with its tenant. */
export type FirstAdminKey = Pick<ApiKey, 'name' | 'role' | 'prefix' | 'secretHash' | 'createdById'>;

export class TenantsRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.$transaction(work);
  }

  /** The tenant's own row, through its scoped client. */
  own(tenantId: string): Promise<Tenant | null> {
    return scopeToTenant(this.db, tenantId).tenant.findFirst({ where: {} });
  }

  /** `active` true: not deleted; false: deleted only; absent: all. Newest first. */
  list(active: boolean | null | undefined, page: PageRequest): Promise<Page<Tenant>> {
    const where = active === true ? { deletedAt: null } : active === false ? { deletedAt: { not: null } } : {};
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.db.tenant.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.db.tenant.count({ where }),
    );
  }

  /** The tenant unless it does not exist or is already deleted. */
  live(id: string): Promise<Tenant | null> {
    return isUuid(id) ? this.db.tenant.findFirst({ where: { id, deletedAt: null } }) : Promise.resolve(null);
  }

  /** The tenant and its first admin key (a duplicate slug fails with Prisma's P2002). */
  async create(tx: Transaction, fields: Pick<Tenant, 'name' | 'slug'>, key: FirstAdminKey): Promise<{ tenant: Tenant; adminKey: ApiKey }> {
    const tenant = await tx.tenant.create({ data: fields });
    const adminKey = await tx.apiKey.create({ data: { ...key, tenantId: tenant.id } });
    return { tenant, adminKey };
  }

  markDeleted(tx: Transaction, id: string, now: Date): Promise<Tenant> {
    return tx.tenant.update({ where: { id }, data: { deletedAt: now } });
  }

  /** The tenant's QUEUED and RUNNING jobs. */
  unfinishedJobs(tx: Transaction, tenantId: string): Promise<Array<Pick<Job, 'id' | 'kind'>>> {
    return tx.job.findMany({ where: { tenantId, status: { in: ['QUEUED', 'RUNNING'] } }, select: { id: true, kind: true } });
  }
}
