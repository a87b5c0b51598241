/**
 * A subscription's signing secrets. Each is a WebhookSecret row (version, expiry) whose key is
 * sealed in the tenant's vault keyring (purpose `webhook-secret`, record = the row's id). The
 * `whsec_` form is returned to the caller once, at creation or rotation, and never stored.
 *
 * Rotation keeps at most two: the new secret, and the previous one until `expiresAt`, so a
 * receiver can switch secrets without missing a delivery (deliveries carry one signature per
 * valid secret). Older secrets, and the previous one when no overlap is wanted (a leaked secret),
 * are destroyed in the vault at once.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { WebhookSecret } from '../db/generated/client.ts';
import type { Actor, Vault } from '../vault/vault.ts';
import { wipe } from '../vault/aead.ts';
import { generateWebhookSecret } from './webhook-signature.ts';
import { createSecretRow, deleteSecretRow, expireSecret, secretsOf, validSecrets } from './webhooks.repository.ts';

const PURPOSE = 'webhook-secret';

const addressOf = (secret: Pick<WebhookSecret, 'tenantId' | 'id'>) => ({ tenantId: secret.tenantId, purpose: PURPOSE, recordId: secret.id }) as const;

/** Creates secret `version` of the subscription; returns its `whsec_` form (to show once). */
export async function createSecret(tx: Transaction, vault: Vault, actor: Actor, subscription: { id: string; tenantId: string }, version: number): Promise<string> {
  const row = await createSecretRow(tx, subscription, version);
  const { key, secret } = generateWebhookSecret();
  try {
    await vault.seal(addressOf(row), key, actor, tx);
  } finally {
    wipe(key);
  }
  return secret;
}

/**
 * A new current secret; the current one stays valid until `previousExpiresAt` (or is destroyed
 * now when that is not in the future), and any older one is destroyed. Call with the
 * subscription's row locked.
 */
export async function rotateSecret(
  tx: Transaction,
  vault: Vault,
  actor: Actor,
  subscription: { id: string; tenantId: string },
  now: Date,
  previousExpiresAt: Date,
): Promise<{ secret: string; previousSecretExpiresAt: Date | null }> {
  const existing = await secretsOf(tx, subscription.id);
  const current = existing.find((s) => s.expiresAt === null) ?? null;
  const keep = current !== null && previousExpiresAt > now ? current : null;
  await discard(tx, vault, actor, existing.filter((s) => s !== keep));
  if (keep) await expireSecret(tx, keep.id, previousExpiresAt);
  const secret = await createSecret(tx, vault, actor, subscription, (existing[0]?.version ?? 0) + 1);
  return { secret, previousSecretExpiresAt: keep ? previousExpiresAt : null };
}

/** Destroys every secret of the subscription (it is being deleted). */
export async function discardSecrets(tx: Transaction, vault: Vault, actor: Actor, subscriptionId: string): Promise<void> {
  await discard(tx, vault, actor, await secretsOf(tx, subscriptionId));
}

async function discard(tx: Transaction, vault: Vault, actor: Actor, secrets: readonly WebhookSecret[]): Promise<void> {
  for (const secret of secrets) {
    await vault.discard(addressOf(secret), actor, tx);
    await deleteSecretRow(tx, secret.id);
  }
}

/**
 * The keys that sign a delivery made at `now`: the current secret and a previous one that has not
 * expired, newest first. The caller wipes them after use.
 */
export async function signingKeys(db: Database, vault: Vault, subscription: { id: string; tenantId: string }, now: Date): Promise<Uint8Array[]> {
  const valid = await validSecrets(db, subscription.id, now);
  const keys: Uint8Array[] = [];
  try {
    for (const secret of valid) keys.push(await vault.unseal(addressOf(secret), { apiKeyId: null }));
  } catch (error) {
    wipe(...keys);
    throw error;
  }
  return keys;
}
