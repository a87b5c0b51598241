/**
 * FRAGMARK_ARTIFACT_STORE and FRAGMARK_ARTIFACT_DIR: where artifact blobs are kept
 * (src/registry/artifacts/open-artifact-store.ts). The rule parses a store URL; chooseArtifactStore
 * applies the defaults that depend on other variables.
 */
import path from 'node:path';
import { ConfigError } from './config-error.ts';
import { boolean, httpUrl, urlOf, type Rule } from './config-rules.ts';

/** `postgres` is the platform's own database (DATABASE_URL, or the embedded one). */
export type ArtifactStoreSpec =
  | { kind: 'file'; dir: string }
  | { kind: 'postgres' }
  | { kind: 's3'; bucket: string; prefix: string; region: string | undefined; endpoint: string | undefined; forcePathStyle: boolean };

/** A store URL: postgres: (or db:), file:/path or a path, s3://bucket/prefix?options. */
export function artifactStoreUrl(): Rule<ArtifactStoreSpec> {
  return { allowed: 'postgres:, db:, file:/path, a path, s3://bucket/prefix', parse: parseStoreUrl };
}

function parseStoreUrl(value: string, name: string, { cwd }: { cwd: string }): ArtifactStoreSpec {
  if (value === 'postgres:' || value === 'postgresql:' || value === 'db:') return { kind: 'postgres' };
  if (value.startsWith('/') || value.startsWith('.')) return { kind: 'file', dir: path.resolve(cwd, value) };
  if (value.startsWith('file:')) {
    const rest = value.startsWith('file://') ? new URL(value).pathname : value.slice('file:'.length);
    if (rest === '') throw new ConfigError(name, 'file: needs a folder, e.g. file:/var/lib/fragmark/artifacts');
    return { kind: 'file', dir: path.resolve(cwd, decodeURIComponent(rest)) };
  }
  if (value.startsWith('s3://')) {
    const url = urlOf(value, name, 'is not a valid s3://bucket/prefix URL');
    if (url.username || url.password) throw new ConfigError(name, 'must not hold credentials: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(url.hostname)) throw new ConfigError(name, `names an invalid S3 bucket "${url.hostname}"`);
    const known = new Set(['region', 'endpoint', 'forcePathStyle']);
    for (const key of url.searchParams.keys()) if (!known.has(key)) throw new ConfigError(name, `has an unknown option "${key}" (known: region, endpoint, forcePathStyle)`);
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined) httpUrl().parse(endpoint, `${name} endpoint`, { cwd });
    const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
    return {
      kind: 's3',
      bucket: url.hostname,
      prefix: prefix === '' ? '' : `${prefix}/`,
      region: url.searchParams.get('region') ?? undefined,
      endpoint,
      forcePathStyle: boolean().parse(url.searchParams.get('forcePathStyle') ?? 'false', `${name} forcePathStyle`, { cwd }),
    };
  }
  throw new ConfigError(name, 'must be postgres:, db:, file:/path (or a path) or s3://bucket/prefix');
}

/**
 * FRAGMARK_ARTIFACT_STORE, else FRAGMARK_ARTIFACT_DIR (a folder, already resolved), else the
 * platform database when DATABASE_URL is set (workers on other hosts then need nothing more),
 * else a folder in the data folder: with the embedded database everything runs on one host, and
 * blobs stay out of it.
 */
export function chooseArtifactStore(given: { store: ArtifactStoreSpec | undefined; dir: string | undefined; databaseUrl: string | undefined; dataDir: string }): ArtifactStoreSpec {
  const { store, dir, databaseUrl, dataDir } = given;
  if (store !== undefined && dir !== undefined) {
    throw new ConfigError('FRAGMARK_ARTIFACT_STORE', 'and FRAGMARK_ARTIFACT_DIR are both set: set only one (FRAGMARK_ARTIFACT_DIR=D means FRAGMARK_ARTIFACT_STORE=file:D)');
  }
  if (store !== undefined) return store;
  if (dir !== undefined) return { kind: 'file', dir };
  return databaseUrl !== undefined ? { kind: 'postgres' } : { kind: 'file', dir: path.join(dataDir, 'artifacts') };
}

/** A store URL given outside the environment (`fragmark artifacts copy --from URL`). */
export function parseArtifactStoreUrl(value: string, cwd: string = process.cwd()): ArtifactStoreSpec {
  return parseStoreUrl(value, 'FRAGMARK_ARTIFACT_STORE', { cwd });
}
