/**
 * First start: mint the platform's first PLATFORM_ADMIN key so a new installation can be used
 * at all. Runs under an advisory lock so two API replicas starting on an empty database mint
 * one key between them. After the first start (any platform key ever existed, even revoked)
 * it does nothing: `fragmark admin mint-key` mints more.
 *
 * The new key's secret must not end up in log files: `fragmark serve` prints it only to an
 * interactive terminal; otherwise (service manager, container, redirected output) it is written
 * to INITIAL_ADMIN_KEY_FILE in the data folder, readable by the owner only, and only that path is
 * logged (announceInitialAdminKey).
 */
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/client.ts';
import type { ApiKey } from '../db/generated/client.ts';
import { generateApiKeySecret } from '../api-keys/api-key-secret.ts';

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

/** File name, in the data folder, of the first-start key when no terminal shows it. */
export const INITIAL_ADMIN_KEY_FILE = 'initial-admin-key';

/**
 * Where the first-start key goes: to the caller to print when `terminal` (an interactive
 * terminal, never a log), else into `<dataDir>/initial-admin-key` (mode 0600, the secret and a
 * newline), whose path is returned. A file left over from an earlier installation is replaced.
 */
export async function announceInitialAdminKey(
  minted: MintedKey,
  options: { dataDir: string; terminal: boolean },
): Promise<{ secret: string } | { file: string }> {
  if (options.terminal) return { secret: minted.secret };
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, INITIAL_ADMIN_KEY_FILE);
  const staging = `${file}.${process.pid}.tmp`;
  await rm(staging, { force: true });
  // Created owner-only ('wx': never through an existing file or link), then moved into place.
  await writeFile(staging, `${minted.secret}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(staging, 0o600);
  await rename(staging, file);
  return { file };
}
