/**
 * Attestations' database access. The public status of a token is read on the root client (anyone
 * holding a token may ask, whatever its tenant); a tenant's own attestations through its scoped
 * client. Signing and revocation write through the issuer (attestation-issuer.ts).
 */
import type { Database } from '../db/client.ts';
import type { Attestation } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';

/** A token's row and its tenant's deletion, for the public status. */
export interface TokenStanding {
  attestation: Attestation;
  /** Undefined when the tenant's row is gone (purged); null while it stands. */
  tenantDeletedAt: Date | null | undefined;
}

export class AttestationsRepository {
  constructor(
    private readonly db: Database,
    /** The caller's tenant's client; null without a tenant key (verifications belong to tenants). */
    private readonly scoped: TenantDatabase | null,
  ) {}

  async standing(jti: string): Promise<TokenStanding | null> {
    const attestation = isUuid(jti) ? await this.db.attestation.findUnique({ where: { jti } }) : null;
    if (!attestation) return null;
    const tenant = await this.db.tenant.findUnique({ where: { id: attestation.tenantId }, select: { deletedAt: true } });
    return { attestation, tenantDeletedAt: tenant === null ? undefined : tenant.deletedAt };
  }

  /** The caller's tenant's attestation of a verification; null for another tenant's. */
  forVerification(verificationId: string): Promise<Attestation | null> {
    if (!this.scoped || !isUuid(verificationId)) return Promise.resolve(null);
    return this.scoped.attestation.findUnique({ where: { verificationId } });
  }
}
