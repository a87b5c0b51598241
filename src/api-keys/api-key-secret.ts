/**
 * API key secrets: `fmk_` followed by 32 random bytes in base64url (43 characters). The prefix
 * makes leaked keys easy to recognise for secret scanners and humans. Only the SHA-256 of the
 * whole secret is stored: a database leak does not reveal usable keys, and since the secret has
 * 256 bits of entropy a fast hash is enough (no password-style stretching needed).
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'fmk_';
const SECRET_PATTERN = /^fmk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKeySecret {
  secret: string;
  /** Safe to display: prefix plus the first 6 characters. */
  displayPrefix: string;
  hash: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { secret, displayPrefix: secret.slice(0, API_KEY_PREFIX.length + 6), hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function isWellFormedApiKey(value: string): boolean {
  return SECRET_PATTERN.test(value);
}
