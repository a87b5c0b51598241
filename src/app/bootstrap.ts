/**
 * First start: mint the platform's first PLATFORM_ADMIN key so a new installation can be used
 * at all. Runs under an advisory lock so two API replicas starting on an empty database mint
 * one key between them. After the first start (any platform key ever existed, even revoked)
 * it does nothing: `fragmark admin mint-key` mints more.
 */
import type { Database } from '../db/client.ts';
import type { ApiKey } from '../db/generated/client.ts';
import { generateApiKeySecret } from '../auth/api-key-secret.ts';

const BOOTSTRAP_LOCK_ID = 0x66726167; // "frag"

export interface MintedKey {
  apiKey: ApiKey;
  secret: string;
}

export async function bootstrapPlatformAdmin(db: Database): Promise<MintedKey | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID})`);
    const existing = await tx.apiKey.count({ where: { role: 'PLATFORM_ADMIN' } });
    if (existing > 0) return null;
    return mintPlatformAdminKey(tx as unknown as Database, 'Initial platform admin key');
  });
}

/** A new PLATFORM_ADMIN key, for the command line (operators recovering access). */
export async function mintPlatformAdminKey(db: Database, name: string): Promise<MintedKey> {
  const generated = generateApiKeySecret();
  const apiKey = await db.apiKey.create({
    data: { name, role: 'PLATFORM_ADMIN', prefix: generated.displayPrefix, secretHash: generated.hash, tenantId: null },
  });
  return { apiKey, secret: generated.secret };
}
