/**
 * A real API server (real HTTP, real PostgreSQL in its own database) for integration tests,
 * plus a small GraphQL client.
 */
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createApiServer } from '../../src/api/http/http-server.ts';
import { bootstrapPlatformAdmin } from '../../src/app/bootstrap.ts';
import { buildPlatform } from '../../src/app/platform.ts';
import { createLogger, type Logger } from '../../src/logging/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { findFreePort } from './ports.ts';
import type { Vault } from '../../src/vault/vault.ts';
import { randomKey, sodiumReady } from '../../src/vault/aead.ts';
import type { JobQueue, QueueSettings } from '../../src/jobs/job-queue.ts';
import type { ModelArtifacts } from '../../src/registry/artifacts/model-artifacts.ts';
import type { AttestationIssuer } from '../../src/attestations/attestation-issuer.ts';
import type { RewrapSettings } from '../../src/keys/key-management.service.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Configuration for tests whose inference endpoints run on this machine (startInferenceServer
 * listens on 127.0.0.1, which the egress policy refuses by default): pass it to startTestApi and
 * startTestWorker, as production passes FRAGMARK_EGRESS_ALLOW to the API and every worker.
 */
export const LOCAL_ENDPOINTS: Readonly<Record<string, string>> = { FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32' };

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestApi {
  url: string;
  config: Config;
  database: TestDatabase;
  vault: Vault;
  queue: JobQueue;
  store: ModelArtifacts;
  issuer: AttestationIssuer;
  /** The folder of a folder store (the default in tests); empty and unused with FRAGMARK_ARTIFACT_STORE=postgres:. */
  artifactDir: string;
  /** The vault master key, base64 (for worker processes started by tests). */
  masterKey: string;
  adminKey: string;
  /** Log lines the server wrote (JSON strings). */
  logs: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function startTestApi(
  env: Record<string, string> = {},
  queueSettings: Partial<QueueSettings> = {},
  overrides: { rewrap?: RewrapSettings } = {},
): Promise<TestApi> {
  // The pool settings of the configuration, when a test sets them.
  const pool = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  const database = await createTestDatabase({ poolSize: pool('FRAGMARK_DB_POOL_SIZE'), acquireTimeoutMs: pool('FRAGMARK_DB_POOL_TIMEOUT_MS') });
  await sodiumReady();
  const masterKey = Buffer.from(randomKey()).toString('base64');
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'fragmark-artifacts-'));
  // A known port, so that the public URL (the attestation issuer) is the real address.
  const config = loadConfig({
    FRAGMARK_PORT: String(await findFreePort()),
    FRAGMARK_ENV: 'production',
    DATABASE_URL: database.url,
    FRAGMARK_MASTER_KEY: masterKey,
    // A folder store unless the test names another (FRAGMARK_ARTIFACT_STORE=postgres:).
    // (Uploads are then staged in FRAGMARK_DATA_DIR: this test's folder, not the working directory.)
    ...(env.FRAGMARK_ARTIFACT_STORE === undefined ? { FRAGMARK_ARTIFACT_DIR: artifactDir } : { FRAGMARK_DATA_DIR: artifactDir }),
    ...env,
  });
  const logs: string[] = [];
  const logger: Logger = createLogger('debug', {}, (line) => logs.push(line));
  const minted = await bootstrapPlatformAdmin(database.db);
  if (!minted) throw new Error('expected a fresh database');
  // Built as the server builds it, on this test's own (query-recording) database client.
  const built = await buildPlatform(config, logger, {
    database: { db: database.db, url: database.url, embedded: false, close: async () => {} },
    queueSettings,
    ...(overrides.rewrap ? { rewrap: overrides.rewrap } : {}),
  });
  const { platform } = built;
  const { vault, queue, store, issuer } = platform;
  await issuer.ensureSigningKey();
  const server = await createApiServer({ config, platform, logger });
  const url = await server.listen();
  return {
    url,
    config,
    database,
    vault,
    queue,
    store,
    issuer,
    artifactDir,
    masterKey,
    adminKey: minted.secret,
    logs,
    gql: async (query, variables, key) => {
      const activeKey = key === undefined ? minted.secret : key;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(activeKey ? { authorization: `Bearer ${activeKey}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, headers: response.headers, data: body.data ?? undefined, errors: body.errors };
    },
    close: async () => {
      await server.close();
      await built.close();
      await database.drop();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}

/** Creates a tenant through the API; returns its id and TENANT_ADMIN secret. */
export async function createTenant(api: TestApi, name: string): Promise<{ id: string; adminKey: string }> {
  const result = await api.gql(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } adminKeySecret userErrors { code message } } }`,
    { input: { name } },
  );
  const payload = result.data?.createTenant;
  if (!payload?.tenant) throw new Error(`createTenant failed: ${JSON.stringify(result)}`);
  return { id: payload.tenant.id, adminKey: payload.adminKeySecret };
}

/** Creates an API key with `role` using `creatorKey`; returns id and secret. */
export async function createKey(api: TestApi, creatorKey: string, role: string, name = `${role} key`): Promise<{ id: string; secret: string }> {
  const result = await api.gql(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret userErrors { code message } } }`,
    { input: { name, role } },
    creatorKey,
  );
  const payload = result.data?.createApiKey;
  if (!payload?.apiKey) throw new Error(`createApiKey failed: ${JSON.stringify(result)}`);
  return { id: payload.apiKey.id, secret: payload.secret };
}

/** PUTs files as multipart/form-data (one part per file, filename = its path), as the CLI does. */
export async function uploadFiles(api: TestApi, key: string, path: string, files: Map<string, Uint8Array>): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [name, bytes] of files) form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${api.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: response.status, body: (await response.json()) as any };
}
