/**
 * This installation's Fragmark version (package.json `version`): named as the verifier's version
 * in the in-toto statements it signs and as the exporter's in evidence bundles, so that an auditor
 * can tell which verification logic produced a result.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string' || manifest.version.length === 0) throw new Error('package.json has no "version".');
  return manifest.version;
}

export const FRAGMARK_VERSION: string = readVersion();
