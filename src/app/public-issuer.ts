/**
 * The public issuer URL (`iss` of attestation tokens, where third parties fetch the JWKS and the
 * revocation status) is a platform setting in the database, not a per-process default: a worker
 * started without FRAGMARK_PUBLIC_URL signed tokens with `http://127.0.0.1:4000`, which third
 * parties reject (issue 21, item 9).
 *
 * - The API records its FRAGMARK_PUBLIC_URL at every start (replacing the recorded one: the API is
 *   where the JWKS is served). Without FRAGMARK_PUBLIC_URL it records its derived address only
 *   when nothing is recorded yet (a first start, development).
 * - `fragmark admin set-issuer <url>` records one by hand.
 * - A worker reads it and refuses to start when none is recorded (StartRefusal).
 * Every process signs with the recorded value, never with its own configuration's.
 */
import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import { initPlatformSetting, readPlatformSetting, writePlatformSetting } from '../db/platform-settings.ts';
import type { Logger } from '../logging/logger.ts';

export type PlatformRole = 'api' | 'worker';

/** A process (worker or API) cannot run as configured; the message says what to fix (never a secret). Exit 78. */
export class StartRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefusal';
  }
}

export async function publicIssuerFor(db: Database, config: Config, role: PlatformRole, logger: Logger): Promise<string> {
  if (role === 'worker') {
    const recorded = await readPlatformSetting(db, 'publicIssuer');
    if (recorded === undefined) {
      throw new StartRefusal(
        'No public issuer URL is recorded in the database: start the API with FRAGMARK_PUBLIC_URL set to its public address (it records it), or run `fragmark admin set-issuer <url>`, then start the worker.',
      );
    }
    if (config.http.publicUrlConfigured && config.attestations.issuer !== recorded) {
      logger.warn('FRAGMARK_PUBLIC_URL differs from the recorded public issuer; this worker signs with the recorded one', { recorded });
    }
    return recorded;
  }
  if (config.http.publicUrlConfigured) {
    const before = await readPlatformSetting(db, 'publicIssuer');
    if (before !== config.attestations.issuer) {
      await writePlatformSetting(db, 'publicIssuer', config.attestations.issuer);
      logger.info('recorded the public issuer URL', { issuer: config.attestations.issuer, previous: before ?? null });
    }
    return config.attestations.issuer;
  }
  const recorded = await initPlatformSetting(db, 'publicIssuer', config.attestations.issuer);
  if (recorded !== config.attestations.issuer) logger.info('signing with the recorded public issuer URL (FRAGMARK_PUBLIC_URL is not set)', { issuer: recorded });
  return recorded;
}

/** Normalised public issuer URL for `fragmark admin set-issuer`, or throws with the reason. */
export function parseIssuerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('the issuer must be an http or https URL');
  if (url.search || url.hash || url.username || url.password) throw new Error('the issuer must have no query, fragment or credentials');
  return url.href.replace(/\/+$/, '');
}

export async function setPublicIssuer(db: Database, value: string): Promise<string> {
  const issuer = parseIssuerUrl(value);
  await writePlatformSetting(db, 'publicIssuer', issuer);
  return issuer;
}
