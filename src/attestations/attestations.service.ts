/**
 * Attestations as API callers see them: the public revocation status of a token, the attestation
 * of a verification, its revocation by its tenant, and signing-key rotation (platform admins).
 */
import type { Attestation } from '../db/generated/client.ts';
import type { AttestationsRepository } from './attestations.repository.ts';
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
  constructor(
    private readonly attestations: AttestationsRepository,
    private readonly issuer: AttestationIssuer,
    private readonly actor: Actor | null,
  ) {}

  /** Public: anyone holding a token may ask whether it still stands. */
  async status(jti: string): Promise<AttestationStatus> {
    const found = await this.attestations.standing(jti);
    if (!found) return { jti, known: false, revoked: false, reason: null, revokedAt: null, expiresAt: null };
    const { attestation, tenantDeletedAt } = found;
    // A deleted tenant's tokens are all revoked: its models are no longer vouched for by anyone.
    const reason = attestation.revokedAt ? (attestation.revokedReason ?? 'Revoked by its tenant.') : tenantDeletedAt !== null ? TENANT_DELETED_REASON : null;
    // A tenant row purged outright leaves no time; the reason still says why.
    const revokedAt = attestation.revokedAt ?? (reason !== null ? (tenantDeletedAt ?? null) : null);
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
    return this.attestations.forVerification(verificationId);
  }

  async rotateSigningKey(): Promise<{ kid: string }> {
    const actor = requireActor(this.actor);
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', 'Only platform admins rotate the signing key.');
    return this.issuer.rotate(actor.apiKeyId);
  }
}
