/**
 * The platform master keyring: the top of the envelope hierarchy (master key -> tenant
 * key-encryption keys -> per-secret data keys). It comes from FRAGMARK_MASTER_KEY, or a key
 * file; on a fresh installation without either, a key file is generated once with owner-only
 * permissions. It is never generated when the database already holds sealed keys, and an
 * existing file is never overwritten.
 *
 * Format: "<base64 of 32 bytes>" (version 1), or comma/newline-separated "<version>:<base64>"
 * entries; the highest version seals, the others only open (during master-key rotation).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { KEY_BYTES, randomKey, sodiumReady } from './aead.ts';
import { MasterKeyError } from './vault.errors.ts';

export interface MasterKeyring {
  currentVersion: number;
  keys: ReadonlyMap<number, Uint8Array>;
  /** Where the keyring came from (for messages; never the key). */
  source: string;
}

export function parseMasterKeyring(text: string, source: string): MasterKeyring {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e && !e.startsWith('#'));
  if (entries.length === 0) throw new MasterKeyError(`The master key in ${source} is empty.`);
  const keys = new Map<number, Uint8Array>();
  for (const entry of entries) {
    const match = /^(?:(\d+):)?([A-Za-z0-9+/=_-]+)$/.exec(entry);
    const version = match?.[1] === undefined ? (entries.length === 1 ? 1 : NaN) : Number(match[1]);
    const key = match ? new Uint8Array(Buffer.from(match[2]!, 'base64')) : new Uint8Array();
    if (!match || !Number.isInteger(version) || version < 1 || key.length !== KEY_BYTES) {
      throw new MasterKeyError(
        `The master key in ${source} is malformed: expected base64 of ${KEY_BYTES} bytes, or entries "<version>:<base64>" separated by commas.`,
      );
    }
    if (keys.has(version)) throw new MasterKeyError(`The master key in ${source} lists version ${version} twice.`);
    keys.set(version, key);
  }
  return { currentVersion: Math.max(...keys.keys()), keys, source };
}

export function formatMasterKeyring(keys: ReadonlyMap<number, Uint8Array>): string {
  return [...keys.entries()]
    .sort(([a], [b]) => b - a)
    .map(([version, key]) => `${version}:${Buffer.from(key).toString('base64')}`)
    .join('\n') + '\n';
}

/**
 * Loads the keyring. `mayGenerate` must be false when the database already holds sealed keys:
 * a missing key then stops start-up instead of silently starting a new, useless one.
 */
export async function loadMasterKeyring(
  config: Config['vault'],
  mayGenerate: boolean,
  warn: (message: string) => void,
): Promise<MasterKeyring> {
  await sodiumReady();
  if (config.masterKey !== undefined) return parseMasterKeyring(config.masterKey, 'FRAGMARK_MASTER_KEY');
  const file = config.masterKeyFile;
  if (existsSync(file)) return parseMasterKeyring(await readFile(file, 'utf8'), file);
  if (config.masterKeyFileExplicit) {
    throw new MasterKeyError(`FRAGMARK_MASTER_KEY_FILE names ${file}, which does not exist.`);
  }
  if (!mayGenerate) {
    throw new MasterKeyError(
      `The database holds sealed keys but no master key was found (FRAGMARK_MASTER_KEY is unset and ${file} does not exist). ` +
        'Restore the master key from your backup; a new key cannot open the existing secrets.',
    );
  }
  const keys = new Map([[1, randomKey()]]);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, formatMasterKeyring(keys), { mode: 0o600, flag: 'wx' });
  warn(
    `Generated a new vault master key in ${file}. Back it up now and keep it apart from database backups: ` +
      'without it, every sealed secret (trigger sets, signing keys, credentials) is lost.',
  );
  return { currentVersion: 1, keys, source: file };
}
