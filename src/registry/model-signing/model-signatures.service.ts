/**
 * Attaching an OpenSSF model signature to a READY version: the bundle is checked offline
 * (verify-oms-signature.ts) against one of the tenant's registered keys and the version's
 * uploaded files; only a signature that passes every check is recorded on the version (key,
 * its SPKI SHA-256, time), audited in the same transaction. A refused bundle stores nothing and
 * leaves any earlier signature in place; an accepted one replaces it.
 */
import type { Transaction } from '../../db/client.ts';
import type { ModelVersion } from '../../db/generated/client.ts';
import type { Actor } from '../../auth/actor.ts';
import { requireTenantRole } from '../../auth/require-role.ts';
import { recordAudit } from '../../audit/audit.ts';
import { storedManifest } from '../artifacts/artifact-manifest.ts';
import { RegistryError } from '../registry.errors.ts';
import { ModelSigningError } from './model-signing.errors.ts';
import { assertBundleSize } from './oms-bundle.ts';
import { parseSigningPublicKey } from './public-key.ts';
import { verifyOmsSignature } from './verify-oms-signature.ts';
import type { KeyRow, ModelSigningRepository } from './model-signing.repository.ts';

export interface AttachModelSignatureInput {
  modelVersionId: string;
  signingKeyId: string;
  /** The model.sig file's text: a Sigstore bundle v0.3 (at most MAX_BUNDLE_BYTES). */
  bundle: string;
}

export class ModelSignaturesService {
  /** `signing`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly signing: ModelSigningRepository | null,
    private readonly actor: Actor | null,
  ) {}

  /** Throws ModelSigningError (or RegistryError for the version) naming what failed; stores nothing then. */
  async attach(input: AttachModelSignatureInput, now: Date = new Date()): Promise<ModelVersion> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Models');
    assertBundleSize(input.bundle);
    const version = await this.signing!.version(input.modelVersionId);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    if (version.status !== 'READY' || !version.artifact) {
      throw new RegistryError('VERSION_NOT_READY', 'Upload the version\'s artifact first: a signature is checked against its files.', ['input', 'modelVersionId']);
    }
    const files = storedManifest(version.artifact).files;
    return this.signing!.transaction(async (tx) => {
      // The key's row first, held until commit: a revocation (which updates that row) waits for
      // this signature and then withdraws it; a key revoked before is refused here.
      const key = await this.lockedKey(tx, actor.tenantId, input.signingKeyId);
      const verified = verifyOmsSignature(input.bundle, parseSigningPublicKey(key.publicKeyPem), files);
      const updated = await this.signing!.recordSignature(tx, version.id, key, now);
      if (!updated) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actorApiKeyId: actor.apiKeyId,
        action: 'model_signature.attach',
        recordId: version.id,
        details: {
          signingKeyId: key.id,
          publicKeySha256: key.publicKeySha256,
          rootDigest: verified.rootDigest,
          bundleSha256: verified.bundleSha256,
          files: verified.files,
          replacedSigningKeyId: version.signatureKeyId,
        },
      });
      return updated;
    });
  }

  /** The tenant's key, locked FOR SHARE; MODEL_SIGNING_KEY_NOT_FOUND or MODEL_SIGNING_KEY_REVOKED otherwise. */
  private async lockedKey(tx: Transaction, tenantId: string, id: string): Promise<KeyRow> {
    const field = ['input', 'signingKeyId'];
    const key = await this.signing!.lockKey(tx, tenantId, id);
    if (!key) throw new ModelSigningError('MODEL_SIGNING_KEY_NOT_FOUND', 'No such model signing key.', field);
    if (key.revokedAt !== null) {
      throw new ModelSigningError('MODEL_SIGNING_KEY_REVOKED', 'This signing key was revoked: signatures are no longer checked with it. Sign with a current key.', field);
    }
    return key;
  }
}
