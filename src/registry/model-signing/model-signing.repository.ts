/**
 * Model signing's database access, through the caller's tenant-scoped client: the tenant's
 * signing keys, the signature columns of its versions, and the row lock that orders attaching a
 * signature before a revocation of its key. The transactions (which also audit) are run by the
 * services through `transaction`; the methods that take `tx` write inside them.
 * The version's `artifact` JSON is read, checked, by storedManifest (../artifacts/artifact-manifest.ts).
 */
import type { Transaction } from '../../db/client.ts';
import type { ModelSigningKey, ModelVersion, ModelSigningKeyAlgorithm } from '../../db/generated/client.ts';
import type { TenantDatabase } from '../../db/tenant-scope.ts';
import { isUuid } from '../../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../../common/pagination.ts';

/** What checking a signature needs of its key. */
export type KeyRow = Pick<ModelSigningKey, 'id' | 'publicKeyPem' | 'publicKeySha256' | 'revokedAt'>;

/** The columns a new key is created with. */
export interface NewSigningKey {
  name: string;
  algorithm: ModelSigningKeyAlgorithm;
  publicKeyPem: string;
  publicKeySha256: string;
}

/** One tenant's signing keys and version signatures, through its scoped client (src/db/tenant-scope.ts). */
export class ModelSigningRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  /** Runs `work` in one transaction of the scoped client. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.scoped.$transaction((tx) => work(tx as Transaction));
  }

  /** A version of the tenant, or null (also for ids that are not UUIDs). */
  version(id: string): Promise<ModelVersion | null> {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  key(id: string): Promise<ModelSigningKey | null> {
    return isUuid(id) ? this.scoped.modelSigningKey.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The tenant's key with this SPKI SHA-256 (revoked or not), or null. */
  keyWithFingerprint(publicKeySha256: string): Promise<ModelSigningKey | null> {
    return this.scoped.modelSigningKey.findFirst({ where: { publicKeySha256 } });
  }

  keys(page: PageRequest, filter: { active?: boolean | null }): Promise<Page<ModelSigningKey>> {
    const where = filter.active === true ? { revokedAt: null } : filter.active === false ? { revokedAt: { not: null } } : {};
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.modelSigningKey.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.modelSigningKey.count({ where }),
    );
  }

  /** Throws Prisma's P2002 when the tenant already has this key. */
  createKey(tx: Transaction, tenantId: string, fields: NewSigningKey): Promise<ModelSigningKey> {
    return tx.modelSigningKey.create({ data: { ...fields, tenantId } });
  }

  /**
   * The tenant's key, locked FOR SHARE until the transaction ends (a revocation, which updates
   * that row, waits for it); null when the tenant has no such key.
   */
  async lockKey(tx: Transaction, tenantId: string, id: string): Promise<KeyRow | null> {
    if (!isUuid(id)) return null;
    const rows = await tx.$queryRaw<KeyRow[]>`
      SELECT id, "publicKeyPem", "publicKeySha256", "revokedAt" FROM "ModelSigningKey" WHERE id = ${id}::uuid AND "tenantId" = ${tenantId}::uuid FOR SHARE`;
    return rows[0] ?? null;
  }

  /** Records the verified signature on the version if it is still READY; null otherwise. */
  async recordSignature(tx: Transaction, versionId: string, key: KeyRow, now: Date): Promise<ModelVersion | null> {
    const [updated] = await tx.modelVersion.updateManyAndReturn({
      where: { id: versionId, status: 'READY' },
      data: { signatureKeyId: key.id, signaturePublicKeySha256: key.publicKeySha256, signatureVerifiedAt: now },
    });
    return updated ?? null;
  }

  /** Marks the key revoked at `now` unless it already is; null when it already was. */
  async revokeKey(tx: Transaction, id: string, now: Date): Promise<ModelSigningKey | null> {
    const [revoked] = await tx.modelSigningKey.updateManyAndReturn({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    return revoked ?? null;
  }

  keyIn(tx: Transaction, id: string): Promise<ModelSigningKey> {
    return tx.modelSigningKey.findUniqueOrThrow({ where: { id } });
  }

  /** Clears the signature of every version the key verified; how many. */
  async withdrawSignatures(tx: Transaction, keyId: string): Promise<number> {
    const { count } = await tx.modelVersion.updateMany({
      where: { signatureKeyId: keyId },
      data: { signatureKeyId: null, signaturePublicKeySha256: null, signatureVerifiedAt: null },
    });
    return count;
  }
}
