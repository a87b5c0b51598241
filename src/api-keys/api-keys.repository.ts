/**
 * API keys' database access: one tenant's keys through its tenant-scoped client
 * (`ApiKeysRepository`), and what authentication reads and writes before any tenant is known
 * (the plain functions below, on the root client).
 */
import type { Database, Transaction } from '../db/client.ts';
import type { ApiKey, Prisma } from '../db/generated/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';

/** The columns a new key is created with (its tenant comes from the scoped client). */
export type NewApiKey = Pick<Prisma.ApiKeyUncheckedCreateInput, 'name' | 'role' | 'prefix' | 'secretHash' | 'createdById' | 'expiresAt'>;

/**
 * One tenant's API keys (`tenantId` null: the platform's), through its scoped client
 * (src/db/tenant-scope.ts). Built on the root client because a platform admin mints keys in
 * other tenants: `inTenant` gives that tenant's repository, scoped the same way.
 */
export class ApiKeysRepository {
  private readonly scoped: TenantDatabase;

  constructor(
    private readonly db: Database,
    tenantId: string | null,
  ) {
    this.scoped = scopeToTenant(db, tenantId);
  }

  /** The keys of another tenant, for a platform admin (the caller checks the role). */
  inTenant(tenantId: string): ApiKeysRepository {
    return new ApiKeysRepository(this.db, tenantId);
  }

  /** The id of the tenant, unless it does not exist or is being deleted. */
  async liveTenant(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    return (await this.db.tenant.findFirst({ where: { id, deletedAt: null }, select: { id: true } }))?.id ?? null;
  }

  /** Runs `work` in one transaction of the scoped client. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.scoped.$transaction((tx) => work(tx as Transaction));
  }

  get(id: string): Promise<ApiKey | null> {
    return isUuid(id) ? this.scoped.apiKey.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The caller's own key (it exists: it authenticated the request). */
  own(id: string): Promise<ApiKey> {
    return this.scoped.apiKey.findUniqueOrThrow({ where: { id } });
  }

  /** `active` true: neither revoked nor expired at `now`; false: revoked or expired; absent: all. */
  list(active: boolean | null | undefined, now: Date, page: PageRequest): Promise<Page<ApiKey>> {
    const where =
      active === true
        ? { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }
        : active === false
          ? { OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }] }
          : {};
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.apiKey.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.apiKey.count({ where }),
    );
  }

  create(tx: Transaction, fields: NewApiKey): Promise<ApiKey> {
    return tx.apiKey.create({ data: fields });
  }

  revoke(tx: Transaction, id: string, now: Date): Promise<ApiKey> {
    return tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
  }
}

/** The key with this secret hash, and whether its tenant is deleted; null when none. */
export function keyBySecretHash(db: Database, secretHash: string) {
  return db.apiKey.findUnique({ where: { secretHash }, include: { tenant: { select: { deletedAt: true } } } });
}

export async function touchLastUsed(db: Database, id: string, now: Date): Promise<void> {
  await db.apiKey.update({ where: { id }, data: { lastUsedAt: now } });
}
