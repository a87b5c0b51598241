/**
 * Installation-wide settings kept in the database ("PlatformSetting"), so that every process (the
 * API and workers on any host) reads the same value instead of its own default. Not secrets.
 *
 *   publicIssuer          `iss` of attestation tokens: the public URL third parties check them at
 *                         (recorded by the API from FRAGMARK_PUBLIC_URL, or `fragmark admin set-issuer`)
 *   artifactStoreProbe    text of a small blob the API keeps in its artifact store; a worker that
 *                         cannot read it reads another store than the API (src/registry/artifacts/store-probe.ts)
 */
import type { Database, Transaction } from './client.ts';

export type PlatformSettingKey = 'publicIssuer' | 'artifactStoreProbe';

export async function readPlatformSetting(db: Database | Transaction, key: PlatformSettingKey): Promise<string | undefined> {
  const row = await db.platformSetting.findUnique({ where: { key }, select: { value: true } });
  return row?.value;
}

/** Sets the value (replacing any). */
export async function writePlatformSetting(db: Database | Transaction, key: PlatformSettingKey, value: string): Promise<void> {
  await db.platformSetting.upsert({ where: { key }, create: { key, value }, update: { value, updatedAt: new Date() } });
}

/** Sets the value unless one is recorded; returns the value in force. */
export async function initPlatformSetting(db: Database, key: PlatformSettingKey, value: string): Promise<string> {
  await db.$executeRaw`INSERT INTO "PlatformSetting" (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO NOTHING`;
  return (await readPlatformSetting(db, key))!;
}
