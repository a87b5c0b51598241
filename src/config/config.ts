/**
 * Configuration: read from the environment once at start-up, validated, and frozen into a
 * typed object that the rest of the code receives (nothing else reads process.env).
 * A bad value stops start-up with a message naming the variable.
 *
 * Each variable is declared once, with its rule and default, in config-schema.ts; loadConfig
 * assembles the Config from the parsed values and applies the rules that span several variables.
 * The README's configuration table is generated from the schema (`npm run docs:config`).
 */
import path from 'node:path';
import type { BackendChoice } from '../common/engine-backends.ts';
import { chooseArtifactStore, type ArtifactStoreSpec } from './artifact-store-spec.ts';
import { ConfigError } from './config-error.ts';
import { CONFIG_SCHEMA, parseVariable, parseVariables, type ConfigValues, type Env } from './config-schema.ts';

export { ConfigError } from './config-error.ts';
export { parseArtifactStoreUrl, type ArtifactStoreSpec } from './artifact-store-spec.ts';
export { CONFIG_VARIABLES, type ConfigVariable } from './config-schema.ts';

export type AppEnvironment = ConfigValues['FRAGMARK_ENV'];
export type LogLevel = ConfigValues['FRAGMARK_LOG_LEVEL'];

export interface Config {
  environment: AppEnvironment;
  http: {
    host: string;
    port: number;
    /** Address clients use to reach this server; printed at start-up. */
    publicUrl: string;
    /** FRAGMARK_PUBLIC_URL was set (not derived from host and port): the API then records it as the issuer. */
    publicUrlConfigured: boolean;
    maxBodyBytes: number;
    shutdownTimeoutMs: number;
    /** Failed API-key authentications one client address may make per window before 429s. */
    authFailures: { limit: number; windowSeconds: number };
  };
  graphql: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    /** Most lexical tokens in one GraphQL document; parsing stops past it. */
    maxTokens: number;
    introspection: boolean;
  };
  database: {
    /** External PostgreSQL; when absent the embedded server is used. */
    url: string | undefined;
    embeddedPort: number;
    /** Connections this process keeps to PostgreSQL (the API and each worker process alike). */
    poolSize: number;
    /** How long a query or transaction waits for a free connection before SERVICE_UNAVAILABLE. */
    poolTimeoutMs: number;
  };
  /** Project-local folder for the embedded database and other local state. */
  dataDir: string;
  artifacts: {
    /** Content-addressed store of uploaded model artifacts. */
    store: ArtifactStoreSpec;
    /** Folder on this host where uploads are received and validated before they go to the store. */
    stagingDir: string;
    maxUploadBytes: number;
    /** Uploaded candidate copies (verifyModel candidateArtifactId) expire this long after upload. */
    candidateTtlHours: number;
  };
  jobs: {
    /** Worker processes `serve` starts beside the API (production runs them separately). */
    embeddedWorkers: number;
    /** CPU jobs (trigger generation) one worker process runs at a time. */
    workerConcurrency: number;
    /** I/O jobs (verifications, endpoint enrollments) one worker process runs at a time. */
    ioConcurrency: number;
    /** Most jobs of one tenant running at once per queue, across all workers. */
    tenantConcurrency: number;
    heartbeatSeconds: number;
    retryLimit: number;
    superviseIntervalSeconds: number;
  };
  attestations: {
    /** `iss` of attestation tokens: the public URL of this server. */
    issuer: string;
    ttlSeconds: number;
  };
  challenges: {
    maxRevealedShare: number;
    maxSize: number;
    maxTtlSeconds: number;
  };
  /** Continuous monitoring (src/monitoring). */
  monitoring: {
    /** How often each worker starts the monitors' runs that are due. */
    tickSeconds: number;
    /** Shortest schedule a monitor may have. */
    minIntervalSeconds: number;
    /** Verdicts ERROR in a row that make a deployment UNREACHABLE. */
    unreachableAfter: number;
    /** Most monitors one tenant may keep. */
    maxMonitorsPerTenant: number;
  };
  /** Limits on uploaded models beyond the upload's size (issue 16). */
  uploads: {
    /** Largest accepted model.json; refused while streaming, before it is parsed. */
    maxModelJsonBytes: number;
    /** Most parameters an uploaded model may declare (what building it allocates, 4 bytes each). */
    maxModelParameters: number;
    /** Artifact bytes one tenant may keep (versions and candidates together); 0: no quota. */
    tenantQuotaBytes: number;
  };
  egress: {
    /**
     * Networks (canonical CIDRs) endpoint queries may reach although the egress policy refuses
     * them by default (loopback, private, link-local, ...). Empty: none.
     */
    allow: readonly string[];
    /** PEM certificates trusted for https endpoints besides the system roots (FRAGMARK_ENDPOINT_CA_FILE). */
    extraCaCertificates: string | null;
  };
  /** Delivery of signed webhooks (src/webhooks/README.md). */
  webhooks: {
    /** Longest one delivery attempt may take, connection to the end of the answer's headers. */
    timeoutMs: number;
    /** Attempts per delivery, the first included, before it ends FAILED. */
    maxAttempts: number;
    /** Delay before the first retry; each further one is 4 times longer (jittered, at most a day). */
    retryBaseSeconds: number;
  };
  engine: {
    /** Forced TF.js backend; undefined = best available (node-gpu, node, wasm, cpu). */
    backend: BackendChoice | undefined;
    /** Threads of the wasm backend (1 = stock single-threaded build); undefined = one per CPU, at most MAX_WASM_THREADS. */
    wasmThreads: number | undefined;
    /** Memory budget (MB) for one micro-batch of a pass through the classifier; undefined = the engine's (1024). */
    memoryBudgetMb?: number | undefined;
  };
  vault: {
    /** Master keyring from FRAGMARK_MASTER_KEY. A secret: never log the config object. */
    masterKey: string | undefined;
    /** Where the master keyring is read from (and, on a fresh installation, generated). */
    masterKeyFile: string;
    /** True when FRAGMARK_MASTER_KEY_FILE was given: the file must then exist. */
    masterKeyFileExplicit: boolean;
  };
  /** Prometheus metrics (docs/observability.md). */
  metrics: {
    /** Serve /metrics on the API's HTTP port. */
    enabled: boolean;
    /** Client networks (canonical CIDRs) that may read /metrics, on the API port and a worker's. */
    allow: readonly string[];
    /** A worker process serves its /metrics on this port; undefined: it serves none. */
    workerPort: number | undefined;
    /** Interface of a worker's metrics listener. */
    workerHost: string;
  };
  logLevel: LogLevel;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Readonly<Config> {
  const v = parseVariables(env, { cwd });
  const { FRAGMARK_HOST: host, FRAGMARK_PORT: port, DATABASE_URL: databaseUrl, FRAGMARK_DATA_DIR: dataDir } = v;
  const publicUrl = (v.FRAGMARK_PUBLIC_URL ?? derivedPublicUrl(host, port, cwd)).replace(/\/+$/, '');
  const artifactStore = chooseArtifactStore({ store: v.FRAGMARK_ARTIFACT_STORE, dir: v.FRAGMARK_ARTIFACT_DIR, databaseUrl, dataDir });
  const embeddedWorkers = v.FRAGMARK_WORKERS ?? (databaseUrl === undefined ? 1 : 0);
  checkMetricsPort(v.FRAGMARK_METRICS_PORT, embeddedWorkers);
  const config: Config = {
    environment: v.FRAGMARK_ENV,
    http: {
      host,
      port,
      publicUrl,
      publicUrlConfigured: v.FRAGMARK_PUBLIC_URL !== undefined,
      maxBodyBytes: v.FRAGMARK_MAX_BODY_BYTES,
      shutdownTimeoutMs: v.FRAGMARK_SHUTDOWN_TIMEOUT_MS,
      authFailures: { limit: v.FRAGMARK_AUTH_FAILURE_LIMIT, windowSeconds: v.FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS },
    },
    graphql: {
      maxDepth: v.FRAGMARK_MAX_QUERY_DEPTH,
      maxCost: v.FRAGMARK_MAX_QUERY_COST,
      maxAliases: v.FRAGMARK_MAX_ALIASES,
      maxTokens: v.FRAGMARK_MAX_QUERY_TOKENS,
      introspection: v.FRAGMARK_INTROSPECTION ?? v.FRAGMARK_ENV !== 'production',
    },
    database: {
      url: databaseUrl,
      embeddedPort: v.FRAGMARK_EMBEDDED_PG_PORT,
      poolSize: v.FRAGMARK_DB_POOL_SIZE,
      poolTimeoutMs: v.FRAGMARK_DB_POOL_TIMEOUT_MS,
    },
    dataDir,
    artifacts: {
      store: artifactStore,
      // Beside the blobs for a folder store (a rename then moves nothing across file systems).
      stagingDir: artifactStore.kind === 'file' ? path.join(artifactStore.dir, 'staging') : path.join(dataDir, 'artifact-staging'),
      maxUploadBytes: v.FRAGMARK_MAX_ARTIFACT_BYTES,
      candidateTtlHours: v.FRAGMARK_CANDIDATE_TTL_HOURS,
    },
    jobs: {
      embeddedWorkers,
      workerConcurrency: v.FRAGMARK_WORKER_CONCURRENCY,
      ioConcurrency: v.FRAGMARK_WORKER_IO_CONCURRENCY,
      tenantConcurrency: v.FRAGMARK_TENANT_JOB_CONCURRENCY,
      heartbeatSeconds: v.FRAGMARK_JOB_HEARTBEAT_SECONDS,
      retryLimit: v.FRAGMARK_JOB_RETRY_LIMIT,
      superviseIntervalSeconds: v.FRAGMARK_JOB_SUPERVISE_SECONDS,
    },
    attestations: {
      issuer: publicUrl,
      ttlSeconds: v.FRAGMARK_ATTESTATION_TTL_SECONDS,
    },
    challenges: {
      maxRevealedShare: v.FRAGMARK_CHALLENGE_MAX_REVEALED_SHARE,
      maxSize: v.FRAGMARK_CHALLENGE_MAX_SIZE,
      maxTtlSeconds: 7 * 86_400,
    },
    monitoring: {
      tickSeconds: v.FRAGMARK_MONITOR_TICK_SECONDS,
      minIntervalSeconds: v.FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS,
      unreachableAfter: v.FRAGMARK_MONITOR_UNREACHABLE_AFTER,
      maxMonitorsPerTenant: v.FRAGMARK_MONITOR_MAX_PER_TENANT,
    },
    uploads: {
      maxModelJsonBytes: v.FRAGMARK_MAX_MODEL_JSON_BYTES,
      maxModelParameters: v.FRAGMARK_MAX_MODEL_PARAMETERS,
      tenantQuotaBytes: v.FRAGMARK_TENANT_STORAGE_QUOTA_BYTES,
    },
    egress: {
      allow: v.FRAGMARK_EGRESS_ALLOW ?? [],
      extraCaCertificates: v.FRAGMARK_ENDPOINT_CA_FILE ?? null,
    },
    webhooks: {
      timeoutMs: v.FRAGMARK_WEBHOOK_TIMEOUT_MS,
      maxAttempts: v.FRAGMARK_WEBHOOK_MAX_ATTEMPTS,
      retryBaseSeconds: v.FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS,
    },
    engine: {
      backend: v.FRAGMARK_TF_BACKEND,
      wasmThreads: v.FRAGMARK_WASM_THREADS,
      memoryBudgetMb: v.FRAGMARK_ENGINE_MEMORY_BUDGET_MB,
    },
    vault: {
      masterKey: v.FRAGMARK_MASTER_KEY,
      masterKeyFile: v.FRAGMARK_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key'),
      masterKeyFileExplicit: v.FRAGMARK_MASTER_KEY_FILE !== undefined,
    },
    metrics: {
      enabled: v.FRAGMARK_METRICS,
      allow: v.FRAGMARK_METRICS_ALLOW,
      workerPort: v.FRAGMARK_METRICS_PORT,
      workerHost: v.FRAGMARK_METRICS_HOST,
    },
    logLevel: v.FRAGMARK_LOG_LEVEL,
  };
  return deepFreeze(config);
}

/**
 * The engine's backend settings alone (FRAGMARK_TF_BACKEND, FRAGMARK_WASM_THREADS), parsed by the
 * same rules, for tools that run the engine in their own process (benchmarks, scripts, the demo)
 * and need no other setting: `initBackend({ ...loadEngineOptions(), log })`.
 */
export function loadEngineOptions(env: Env = process.env): Pick<Config['engine'], 'backend' | 'wasmThreads'> {
  const context = { cwd: process.cwd() };
  return {
    backend: parseVariable('FRAGMARK_TF_BACKEND', CONFIG_SCHEMA.FRAGMARK_TF_BACKEND, env, context),
    wasmThreads: parseVariable('FRAGMARK_WASM_THREADS', CONFIG_SCHEMA.FRAGMARK_WASM_THREADS, env, context),
  };
}

/** FRAGMARK_PUBLIC_URL's default, http://HOST:PORT, held to the same rule. */
function derivedPublicUrl(host: string, port: number, cwd: string): string {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return CONFIG_SCHEMA.FRAGMARK_PUBLIC_URL.rule.parse(url, 'FRAGMARK_PUBLIC_URL', { cwd });
}

/** Embedded worker i serves its metrics on FRAGMARK_METRICS_PORT + i: each needs a port. */
function checkMetricsPort(workerPort: number | undefined, embeddedWorkers: number): void {
  if (workerPort !== undefined && workerPort > 0 && workerPort + Math.max(0, embeddedWorkers - 1) > 65535) {
    throw new ConfigError('FRAGMARK_METRICS_PORT', `leaves no port for each of the ${embeddedWorkers} embedded workers (port + index must be at most 65535)`);
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
