/**
 * The public keys a tenant trusts to sign its model artifacts (OpenSSF model signing, key-based):
 * tenant admins register and revoke them, audited; anyone in the tenant may list them (public
 * keys are not secret). Revoking a key withdraws the signatures it verified, in the same
 * transaction: later attestations of those versions carry no model.signature (README.md).
 */
import type { ModelSigningKey } from '../../db/generated/client.ts';
import type { Actor } from '../../auth/actor.ts';
import { requireTenantRole } from '../../auth/require-role.ts';
import type { Role } from '../../auth/roles.ts';
import { recordAudit } from '../../audit/audit.ts';
import type { Page, PageRequest } from '../../common/pagination.ts';
import { ModelSigningError } from './model-signing.errors.ts';
import { parseSigningPublicKey } from './public-key.ts';
import type { ModelSigningRepository } from './model-signing.repository.ts';

const MAX_NAME_LENGTH = 100;

export interface RegisterModelSigningKeyInput {
  name: string;
  publicKeyPem: string;
}

export interface RevokedModelSigningKey {
  signingKey: ModelSigningKey;
  /** Versions whose verified signature the revocation withdrew (0 when it was already revoked). */
  withdrawnSignatures: number;
}

export class ModelSigningKeysService {
  /** `signing`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly signing: ModelSigningRepository | null,
    private readonly actor: Actor | null,
  ) {}

  async register(input: RegisterModelSigningKeyInput): Promise<ModelSigningKey> {
    const actor = this.requireRole('TENANT_ADMIN');
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new ModelSigningError('MODEL_SIGNING_KEY_INVALID', `name must be 1 to ${MAX_NAME_LENGTH} characters.`, ['input', 'name']);
    }
    const key = parseSigningPublicKey(input.publicKeyPem);
    try {
      return await this.signing!.transaction(async (tx) => {
        const created = await this.signing!.createKey(tx, actor.tenantId, { name, algorithm: key.algorithm, publicKeyPem: key.pem, publicKeySha256: key.spkiSha256 });
        await recordAudit(tx, {
          tenantId: actor.tenantId,
          actorApiKeyId: actor.apiKeyId,
          action: 'model_signing_key.register',
          recordId: created.id,
          details: { algorithm: key.algorithm, publicKeySha256: key.spkiSha256 },
        });
        return created;
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
      const existing = await this.signing!.keyWithFingerprint(key.spkiSha256);
      const state = existing?.revokedAt ? ', and revoked: a revoked key cannot be registered again' : '';
      throw new ModelSigningError('MODEL_SIGNING_KEY_TAKEN', `This public key is already registered as ${JSON.stringify(existing?.name ?? '')}${state}.`, ['input', 'publicKeyPem']);
    }
  }

  /** Revokes a key and withdraws the signatures it verified. Revoking twice keeps the first time. */
  async revoke(id: string, now: Date = new Date()): Promise<RevokedModelSigningKey> {
    const actor = this.requireRole('TENANT_ADMIN');
    const key = await this.find(id, ['input', 'id']);
    if (key.revokedAt) return { signingKey: key, withdrawnSignatures: 0 };
    return this.signing!.transaction(async (tx) => {
      // The key's row first: a signature being attached with it (model-signatures.service.ts
      // holds that row FOR SHARE) commits before this, and is withdrawn below.
      const revoked = await this.signing!.revokeKey(tx, key.id, now);
      if (!revoked) return { signingKey: await this.signing!.keyIn(tx, key.id), withdrawnSignatures: 0 };
      const withdrawn = await this.signing!.withdrawSignatures(tx, key.id);
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actorApiKeyId: actor.apiKeyId,
        action: 'model_signing_key.revoke',
        recordId: key.id,
        details: { publicKeySha256: key.publicKeySha256, withdrawnSignatures: withdrawn },
      });
      return { signingKey: revoked, withdrawnSignatures: withdrawn };
    });
  }

  async get(id: string): Promise<ModelSigningKey | null> {
    this.requireRole('VIEWER');
    return this.signing!.key(id);
  }

  /** The key, or MODEL_SIGNING_KEY_NOT_FOUND naming `field`. */
  async find(id: string, field: string[]): Promise<ModelSigningKey> {
    const key = await this.get(id);
    if (!key) throw new ModelSigningError('MODEL_SIGNING_KEY_NOT_FOUND', 'No such model signing key.', field);
    return key;
  }

  async list(page: PageRequest, filter: { active?: boolean | null } = {}): Promise<Page<ModelSigningKey>> {
    this.requireRole('VIEWER');
    return this.signing!.keys(page, filter);
  }

  private requireRole(role: Role): Actor & { tenantId: string } {
    return requireTenantRole(this.actor, role, 'Model signing keys');
  }
}
