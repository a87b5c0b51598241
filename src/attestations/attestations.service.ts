/**
 * Attestations as API callers see them: the public revocation status of a token, the attestation
 * of a verification, its revocation by its tenant, and signing-key rotation (platform admins).
 */
import type { Attestation } from '../db/generated/client.ts';
import type { Database } from '../db/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { isUuid } from '../common/ids.ts';
import { TENANT_DELETED_REASON } from '../tenants/tenant-guard.ts';
import type { AttestationIssuer } from './attestation-issuer.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { AttestationsError } from './attestations.errors.ts';

export interface AttestationStatus {
  jti: string;
  known: boolean;
  revoked: boolean;
  /** Why it is revoked: its tenant's reason, or the tenant's deletion. */
  reason: string | null;
  /** When: revokeAttestation's time, or the tenant's deletion time. */
  revokedAt: Date | null;
  expiresAt: Date | null;
}

export class AttestationsService {
  /** Null without a tenant key: verifications, and so their attestations, belong to tenants. */
  private readonly scoped: TenantDatabase | null;

  constructor(
    private readonly db: Database,
    private readonly issuer: AttestationIssuer,
    private readonly actor: Actor | null,
  ) {
    this.scoped = actor?.tenantId ? scopeToTenant(db, actor.tenantId) : null;
  }

  /** Public: anyone holding a token may ask whether it still stands. */
  async status(jti: string): Promise<AttestationStatus> {
    const attestation = isUuid(jti) ? await this.db.attestation.findUnique({ where: { jti } }) : null;
    if (!attestation) return { jti, known: false, revoked: false, reason: null, revokedAt: null, expiresAt: null };
    // A deleted tenant's tokens are all revoked: its models are no longer vouched for by anyone.
    const tenant = await this.db.tenant.findUnique({ where: { id: attestation.tenantId }, select: { deletedAt: true } });
    const reason = attestation.revokedAt ? (attestation.revokedReason ?? 'Revoked by its tenant.') : !tenant || tenant.deletedAt ? TENANT_DELETED_REASON : null;
    // A tenant row purged outright leaves no time; the reason still says why.
    const revokedAt = attestation.revokedAt ?? (reason !== null ? (tenant?.deletedAt ?? null) : null);
    return { jti, known: true, revoked: reason !== null, reason, revokedAt, expiresAt: attestation.expiresAt };
  }

  /**
   * Withdraws one of the tenant's attestations (operators): its token stays valid
   * cryptographically, and `status` (attestationStatus) says it is revoked, and why.
   */
  async revoke(jti: string, reason: string | null): Promise<Attestation> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Attestations');
    if (reason !== null && reason.length > 500) throw new AttestationsError('INVALID_ATTESTATION_INPUT', 'reason is limited to 500 characters.', ['input', 'reason']);
    const revoked = isUuid(jti) ? await this.issuer.revoke(actor.tenantId!, jti, reason, actor.apiKeyId) : null;
    if (!revoked) throw new AttestationsError('ATTESTATION_NOT_FOUND', 'No such attestation.', ['input', 'jti']);
    return revoked;
  }

  /** The attestation of a verification of the caller's tenant; null for another tenant's (or without a tenant key). */
  async forVerification(verificationId: string): Promise<Attestation | null> {
    if (!this.scoped || !isUuid(verificationId)) return null;
    return this.scoped.attestation.findUnique({ where: { verificationId } });
  }

  async rotateSigningKey(): Promise<{ kid: string }> {
    const actor = requireActor(this.actor);
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', 'Only platform admins rotate the signing key.');
    return this.issuer.rotate(actor.apiKeyId);
  }
}
