/**
 * Issues attestation tokens with the platform's Ed25519 signing keys and publishes the public
 * halves as a JWKS. Private halves are sealed in the vault (platform keyring, purpose
 * signing-key, record = kid) and cached in this process for a few minutes, so signing does not
 * unseal (and audit) on every token. Rotation starts a new key; retired keys stay in the JWKS
 * until the last token they signed has expired.
 */
import type { JWK } from 'jose';
import type { Database, Transaction } from '../db/client.ts';
import type { Attestation } from '../db/generated/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Vault } from '../vault/vault.ts';
import { buildJwks, generateSigningKey, parsePrivateKey, serialisePrivateKey, type SigningKeyMaterial } from './crypto/signing-keys.ts';
import { signAttestation, SUBJECT_PREFIX, type AttestationClaims } from './crypto/attestation-token.ts';
import { buildVerificationStatement, IN_TOTO_PAYLOAD_TYPE, serializeStatement } from './crypto/in-toto-statement.ts';
import { dsseEnvelopeJson, signDsseEnvelope } from './crypto/dsse-envelope.ts';
import { assertTenantActive } from '../tenants/tenant-guard.ts';
import { FRAGMARK_VERSION } from '../common/fragmark-version.ts';

const KEY_CACHE_MS = 5 * 60_000;

export interface IssuerSettings {
  /** `iss` of every token: the public URL of this Fragmark. */
  issuer: string;
  ttlSeconds: number;
}

export interface IssueRequest {
  tenantId: string;
  verificationId: string;
  modelVersionId: string;
  claims: AttestationClaims;
  audience?: string | null;
  nonce?: string | null;
}

export class AttestationIssuer {
  private cached: { key: SigningKeyMaterial; until: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    readonly settings: IssuerSettings,
  ) {}

  /** A first signing key on a fresh installation. */
  async ensureSigningKey(): Promise<void> {
    if ((await this.db.signingKey.count({ where: { retiredAt: null } })) === 0) await this.rotate(null);
  }

  /**
   * New active key; the previous ones are retired (still published until their tokens expire).
   * Pass `tx` to rotate inside the caller's transaction (on its connection).
   */
  async rotate(actorApiKeyId: string | null, tx?: Transaction): Promise<{ kid: string }> {
    const key = await generateSigningKey();
    const secret = serialisePrivateKey(key);
    const run = async (t: Transaction) => {
      await t.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('fragmark-signing-keys'))`;
      await t.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: new Date() } });
      await t.signingKey.create({ data: { kid: key.kid, publicJwk: key.publicJwk as object } });
      await this.vault.seal({ tenantId: null, purpose: 'signing-key', recordId: key.kid }, secret, { apiKeyId: actorApiKeyId }, t);
    };
    try {
      await (tx ? run(tx) : this.db.$transaction(run));
    } finally {
      secret.fill(0);
    }
    this.cached = { key, until: Date.now() + KEY_CACHE_MS };
    return { kid: key.kid };
  }

  /**
   * Signs and records the attestation of a completed verification (inside the caller's
   * transaction): the JWT, and beside it the same verdict as an in-toto statement in a DSSE
   * envelope signed with the same key (crypto/in-toto-statement.ts), built from the claims the JWT
   * signed; both are stored in one row, so there is never one without the other. Nothing is signed
   * for a deleted tenant (TenantDeletedError); callers lock the tenant's row first thing in their
   * transaction, this re-check holds it until the commit.
   */
  async issue(tx: Transaction, request: IssueRequest, now: Date = new Date()): Promise<Attestation> {
    await assertTenantActive(tx, request.tenantId);
    const key = await this.activeKey(tx);
    const signed = await signAttestation(key, request.claims, {
      issuer: this.settings.issuer,
      modelVersionId: request.modelVersionId,
      audience: request.audience ?? null,
      nonce: request.nonce ?? null,
      ttlSeconds: this.settings.ttlSeconds,
      now,
    });
    const statement = buildVerificationStatement({
      claims: signed.claims,
      issuer: this.settings.issuer,
      jti: signed.jti,
      subject: `${SUBJECT_PREFIX}${request.modelVersionId}`,
      audience: request.audience ?? null,
      nonce: request.nonce ?? null,
      issuedAt: signed.issuedAt,
      verifierVersion: FRAGMARK_VERSION,
    });
    const envelope = signDsseEnvelope(key, IN_TOTO_PAYLOAD_TYPE, serializeStatement(statement));
    const attestation = await tx.attestation.create({
      data: {
        jti: signed.jti,
        tenantId: request.tenantId,
        verificationId: request.verificationId,
        kid: key.kid,
        token: signed.token,
        issuedAt: signed.issuedAt,
        expiresAt: signed.expiresAt,
        dsseEnvelope: dsseEnvelopeJson(envelope),
      },
    });
    // Keep the key published until this token expires, even after rotation.
    await tx.signingKey.updateMany({
      where: { kid: key.kid, OR: [{ lastTokenExpiresAt: null }, { lastTokenExpiresAt: { lt: signed.expiresAt } }] },
      data: { lastTokenExpiresAt: signed.expiresAt },
    });
    return attestation;
  }

  /** The public keys to publish: the active key and retired ones with unexpired tokens. */
  async jwks(now: Date = new Date()): Promise<{ keys: JWK[] }> {
    const keys = await this.db.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { lastTokenExpiresAt: { gt: now } }] },
      orderBy: { createdAt: 'desc' },
    });
    return buildJwks(keys.map((k) => k.publicJwk as JWK));
  }

  /** Revokes a token of the tenant; revoking twice keeps the first time. */
  async revoke(tenantId: string, jti: string, reason: string | null, actorApiKeyId: string | null): Promise<Attestation | null> {
    return this.db.$transaction(async (tx) => {
      const attestation = await tx.attestation.findFirst({ where: { jti, tenantId } });
      if (!attestation) return null;
      if (attestation.revokedAt) return attestation;
      const revoked = await tx.attestation.update({ where: { jti }, data: { revokedAt: new Date(), revokedReason: reason } });
      await recordAudit(tx, { tenantId, actorApiKeyId, action: 'attestation.revoke', recordId: jti });
      return revoked;
    });
  }

  /**
   * The active key. Which key is active is read every time (one indexed query), so a rotation
   * made by any process takes effect everywhere at once; the unsealed material is cached.
   * Everything runs on the caller's transaction: `issue` is called inside one, and a query on the
   * root client there would hold one pooled connection while waiting for another.
   */
  private async activeKey(tx: Transaction): Promise<SigningKeyMaterial> {
    const active = await tx.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' }, select: { kid: true } });
    if (!active) {
      await this.rotate(null, tx);
      return this.activeKey(tx);
    }
    if (this.cached && this.cached.key.kid === active.kid && this.cached.until > Date.now()) return this.cached.key;
    const bytes = await this.vault.unseal({ tenantId: null, purpose: 'signing-key', recordId: active.kid }, { apiKeyId: null }, tx);
    try {
      this.cached = { key: parsePrivateKey(bytes), until: Date.now() + KEY_CACHE_MS };
    } finally {
      bytes.fill(0);
    }
    return this.cached.key;
  }
}
