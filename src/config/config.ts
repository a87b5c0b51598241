/**
 * Configuration: read from the environment once at start-up, validated, and frozen into a
 * typed object that the rest of the code receives (nothing else reads process.env).
 * A bad value stops start-up with a message naming the variable.
 *
 * The README's configuration table is checked against CONFIG_VARIABLES by a test.
 */
import path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { parseAllowList } from '../common/ip-addresses.ts';

/**
 * Where artifact blobs are kept (FRAGMARK_ARTIFACT_STORE; src/registry/artifacts/open-artifact-store.ts).
 * `postgres` is the platform's own database (DATABASE_URL, or the embedded one).
 */
export type ArtifactStoreSpec =
  | { kind: 'file'; dir: string }
  | { kind: 'postgres' }
  | { kind: 's3'; bucket: string; prefix: string; region: string | undefined; endpoint: string | undefined; forcePathStyle: boolean };

export type AppEnvironment = 'development' | 'production' | 'test';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

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
    backend: 'node-gpu' | 'node' | 'wasm' | 'cpu' | undefined;
    /** Threads of the wasm backend (1 = stock single-threaded build); undefined = one per CPU, at most 8. */
    wasmThreads: number | undefined;
    /** Memory budget (MB) for one micro-batch of a pass through the classifier; undefined = the engine's (2048). */
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

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigVariable {
  name: string;
  /** Default as written in the README; undefined when the variable is optional with no default. */
  default: string | undefined;
  description: string;
}

/** Every variable Fragmark reads, in README order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'FRAGMARK_ENV', default: 'production', description: 'development, production or test. Only development puts error details in API responses.' },
  { name: 'FRAGMARK_HOST', default: '127.0.0.1', description: 'Interface the HTTP server listens on.' },
  { name: 'FRAGMARK_PORT', default: '4000', description: 'HTTP port (0 picks a free one).' },
  { name: 'FRAGMARK_PUBLIC_URL', default: undefined, description: 'Address clients use to reach the server; defaults to http://HOST:PORT.' },
  { name: 'DATABASE_URL', default: undefined, description: 'PostgreSQL connection string. Unset: an embedded PostgreSQL is started with its data in FRAGMARK_DATA_DIR.' },
  { name: 'FRAGMARK_DATA_DIR', default: '.fragmark', description: 'Folder for local state (embedded database, master key file, first-start admin key file). Relative paths are resolved from the working directory.' },
  { name: 'FRAGMARK_EMBEDDED_PG_PORT', default: '54329', description: 'Loopback port of the embedded PostgreSQL.' },
  { name: 'FRAGMARK_LOG_LEVEL', default: 'info', description: 'debug, info, warn, error or silent. Logs are JSON lines on stdout.' },
  { name: 'FRAGMARK_AUTH_FAILURE_LIMIT', default: '10', description: 'Failed API-key authentications one client address may make per window; further requests with a key get 429 with Retry-After until the allowance refills. 0 turns the limit off.' },
  { name: 'FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS', default: '60', description: 'The window of FRAGMARK_AUTH_FAILURE_LIMIT: the allowance refills evenly over this many seconds.' },
  { name: 'FRAGMARK_MAX_BODY_BYTES', default: '1048576', description: 'Largest accepted GraphQL request body, in bytes.' },
  { name: 'FRAGMARK_MAX_QUERY_DEPTH', default: '12', description: 'Deepest accepted GraphQL selection nesting.' },
  { name: 'FRAGMARK_MAX_QUERY_COST', default: '5000', description: 'Largest accepted estimated query cost (each field costs 1, multiplied by the page size of the lists above it).' },
  { name: 'FRAGMARK_MAX_ALIASES', default: '30', description: 'Most aliases accepted in one GraphQL document.' },
  { name: 'FRAGMARK_MAX_QUERY_TOKENS', default: '5000', description: 'Most lexical tokens (names, punctuation, values) in one GraphQL document; longer documents are refused before parsing finishes.' },
  { name: 'FRAGMARK_INTROSPECTION', default: undefined, description: 'true or false: allow GraphQL introspection. Defaults to true except in production.' },
  { name: 'FRAGMARK_EGRESS_ALLOW', default: undefined, description: 'Comma-separated CIDRs (or single addresses) that workers may send inference-endpoint queries and webhook deliveries to although the egress policy refuses them by default (loopback, private, link-local, CGNAT, multicast, reserved), e.g. "10.20.0.0/16,fd00:1234::/32". Set it on the API and every worker. Default: none.' },
  { name: 'FRAGMARK_ENDPOINT_CA_FILE', default: undefined, description: 'PEM file of CA certificates that https inference endpoints may chain to, in addition to the system roots (a private CA). Set it on every worker. Default: system roots only.' },
  { name: 'FRAGMARK_MASTER_KEY', default: undefined, description: 'Vault master keyring: base64 of 32 random bytes, or versioned entries "2:<base64>,1:<base64>" during rotation. Takes precedence over the key file.' },
  { name: 'FRAGMARK_MASTER_KEY_FILE', default: undefined, description: 'File holding the master keyring (same format). Default: master.key in FRAGMARK_DATA_DIR, generated on a fresh installation with owner-only permissions.' },
  { name: 'FRAGMARK_ARTIFACT_STORE', default: undefined, description: 'Where model artifacts (content-addressed blobs) are kept: "postgres:" (or "db:", chunked in the platform database), "file:/path" (or a plain path: one folder, shared by every host that runs a worker), or "s3://bucket/prefix" (any S3-compatible store; options ?region=R&endpoint=URL&forcePathStyle=true; credentials from the AWS_* variables; not integration-tested here). Default: postgres: when DATABASE_URL is set, else the folder artifacts in FRAGMARK_DATA_DIR (docs/operations.md, "Artifact storage").' },
  { name: 'FRAGMARK_ARTIFACT_DIR', default: undefined, description: 'Shorthand for FRAGMARK_ARTIFACT_STORE=file:<folder> (set one or the other, not both).' },
  { name: 'FRAGMARK_MAX_ARTIFACT_BYTES', default: '268435456', description: 'Largest accepted model upload (all files together), in bytes.' },
  { name: 'FRAGMARK_MAX_MODEL_JSON_BYTES', default: '4194304', description: 'Largest accepted model.json of an upload, in bytes; refused (413) while streaming, before it is parsed.' },
  { name: 'FRAGMARK_MAX_MODEL_PARAMETERS', default: '100000000', description: 'Most parameters (weight elements) an uploaded model may declare; refused (422) before anything is built.' },
  { name: 'FRAGMARK_TENANT_STORAGE_QUOTA_BYTES', default: '1073741824', description: 'Artifact bytes one tenant may keep (model versions and candidate artifacts together); an upload that would pass it is refused (413 QUOTA_EXCEEDED) before it is stored. 0 turns the quota off.' },
  { name: 'FRAGMARK_WORKERS', default: undefined, description: 'Worker processes `fragmark serve` starts beside the API. Default: 1 on the embedded database, 0 with DATABASE_URL (run `fragmark worker` instead).' },
  { name: 'FRAGMARK_WORKER_CONCURRENCY', default: '1', description: 'CPU jobs (trigger generation) one worker process runs at a time.' },
  { name: 'FRAGMARK_WORKER_IO_CONCURRENCY', default: '8', description: 'I/O jobs (verifications, endpoint enrollments) one worker process runs at a time, beside its CPU jobs.' },
  { name: 'FRAGMARK_TENANT_JOB_CONCURRENCY', default: '2', description: 'Most jobs of one tenant running at once in each queue, across all workers, so one tenant cannot hold every slot.' },
  { name: 'FRAGMARK_JOB_HEARTBEAT_SECONDS', default: '10', description: 'A running job whose worker sends no heartbeat for this long (at least 10) is retried by another worker.' },
  { name: 'FRAGMARK_JOB_RETRY_LIMIT', default: '2', description: 'Retries of a failed job (with exponential backoff, at most 60 s apart) before it ends FAILED. Attempts handed back by a stopping worker are not failures.' },
  { name: 'FRAGMARK_JOB_SUPERVISE_SECONDS', default: '5', description: 'How often the queue looks for jobs whose worker stopped sending heartbeats.' },
  { name: 'FRAGMARK_TF_BACKEND', default: undefined, description: 'Force a TF.js backend: node-gpu, node, wasm or cpu. Default: the best one installed.' },
  { name: 'FRAGMARK_WASM_THREADS', default: undefined, description: 'Threads of the wasm backend, 1 to 8 (1 is the stock single-threaded build). Default: one per CPU, at most 8.' },
  { name: 'FRAGMARK_ENGINE_MEMORY_BUDGET_MB', default: '2048', description: 'Memory (MB, 64 to 3584) the tensors of one pass through a classifier may take in a worker: passes over more triggers than fit (generation, Jacobians, serving checks, verification) run in micro-batches sized from the model\'s measured activation memory. wasm32 has a 4 GB address space.' },
  { name: 'FRAGMARK_ATTESTATION_TTL_SECONDS', default: '2592000', description: 'Lifetime of attestation tokens (exp - iat); 30 days by default.' },
  { name: 'FRAGMARK_CHALLENGE_MAX_REVEALED_SHARE', default: '0.5', description: 'Largest share of a watermark\'s triggers that challenges may reveal in total; further challenges are refused.' },
  { name: 'FRAGMARK_CHALLENGE_MAX_SIZE', default: '50', description: 'Most triggers one challenge may reveal.' },
  { name: 'FRAGMARK_MONITOR_TICK_SECONDS', default: '5', description: 'How often each worker starts the monitors\' checks that are due (each due run starts once across all workers); also the most a run starts late on an idle fleet.' },
  { name: 'FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS', default: '60', description: 'Shortest schedule a monitor may have (interval, or the gap between two cron slots).' },
  { name: 'FRAGMARK_MONITOR_UNREACHABLE_AFTER', default: '2', description: 'Checks in a row that end in ERROR (the endpoint could not be reached or answered wrongly) before a monitored deployment becomes UNREACHABLE and an alert opens.' },
  { name: 'FRAGMARK_MONITOR_MAX_PER_TENANT', default: '2000', description: 'Most monitors one tenant may keep.' },
  { name: 'FRAGMARK_SHUTDOWN_TIMEOUT_MS', default: '10000', description: 'How long a graceful shutdown may take: the API answers 503 while in-flight requests finish; a worker lets running jobs finish for half of it, then hands the rest back to the queue.' },
  { name: 'FRAGMARK_DB_POOL_SIZE', default: '10', description: 'PostgreSQL connections each process (API, every worker) keeps in its pool. A request holds at most one at a time.' },
  { name: 'FRAGMARK_DB_POOL_TIMEOUT_MS', default: '5000', description: 'How long a request waits for a free pooled connection; past it the API answers SERVICE_UNAVAILABLE (GraphQL) or 503, with Retry-After.' },
  { name: 'FRAGMARK_WEBHOOK_TIMEOUT_MS', default: '10000', description: 'Longest one webhook delivery attempt may take (1000 to 30000 ms); a receiver that answers later counts as failed and gets a retry.' },
  { name: 'FRAGMARK_WEBHOOK_MAX_ATTEMPTS', default: '10', description: 'Attempts per webhook delivery, the first included (1 to 20), before it ends FAILED.' },
  { name: 'FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS', default: '5', description: 'Delay before a webhook delivery\'s first retry (1 to 3600 s); each further retry waits 4 times longer, with ±20% jitter, at most 24 hours (the defaults span about two days over 10 attempts). A Retry-After answer can only lengthen a wait.' },
  { name: 'FRAGMARK_METRICS', default: 'false', description: 'true: the API serves Prometheus metrics at /metrics on its HTTP port, to clients in FRAGMARK_METRICS_ALLOW only (docs/observability.md).' },
  { name: 'FRAGMARK_METRICS_ALLOW', default: '127.0.0.1/32,::1/128', description: 'Comma-separated CIDRs (or addresses) of clients that may read /metrics (the API\'s and the workers\'); others get 404. Add your Prometheus server\'s address.' },
  { name: 'FRAGMARK_METRICS_PORT', default: undefined, description: 'Port on which each worker process serves its own /metrics (job attempts, verdicts, endpoint queries, vault, model cache). Worker processes started by `fragmark serve` use this port plus their index (0, 1, ...). Default: workers serve no metrics.' },
  { name: 'FRAGMARK_METRICS_HOST', default: '127.0.0.1', description: 'Interface the workers\' metrics listener binds (FRAGMARK_METRICS_PORT).' },
  { name: 'FRAGMARK_CANDIDATE_TTL_HOURS', default: '168', description: 'Hours an uploaded candidate artifact (PUT /v1/verification-artifacts) stays usable; workers then delete it and its unshared blobs. Finished verifications keep its digest.' },
];

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Readonly<Config> {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const withDefault = (name: string): string => {
    const spec = CONFIG_VARIABLES.find((v) => v.name === name);
    const value = read(name) ?? spec?.default;
    if (value === undefined) throw new Error(`No default for ${name}`);
    return value;
  };

  const environment = oneOf(withDefault('FRAGMARK_ENV'), ['development', 'production', 'test'] as const, 'FRAGMARK_ENV');
  const host = withDefault('FRAGMARK_HOST');
  const port = integer(withDefault('FRAGMARK_PORT'), 'FRAGMARK_PORT', 0, 65535);
  const publicUrl = read('FRAGMARK_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  httpUrl(publicUrl, 'FRAGMARK_PUBLIC_URL');
  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined) postgresUrl(databaseUrl, 'DATABASE_URL');

  const dataDir = path.resolve(cwd, withDefault('FRAGMARK_DATA_DIR'));
  const artifactStore = artifactStoreSpec(read('FRAGMARK_ARTIFACT_STORE'), read('FRAGMARK_ARTIFACT_DIR'), databaseUrl, dataDir, cwd);
  const config: Config = {
    environment,
    http: {
      host,
      port,
      publicUrl: publicUrl.replace(/\/+$/, ''),
      publicUrlConfigured: read('FRAGMARK_PUBLIC_URL') !== undefined,
      maxBodyBytes: integer(withDefault('FRAGMARK_MAX_BODY_BYTES'), 'FRAGMARK_MAX_BODY_BYTES', 1024, 100 * 1024 * 1024),
      shutdownTimeoutMs: integer(withDefault('FRAGMARK_SHUTDOWN_TIMEOUT_MS'), 'FRAGMARK_SHUTDOWN_TIMEOUT_MS', 0, 600_000),
      authFailures: {
        limit: integer(withDefault('FRAGMARK_AUTH_FAILURE_LIMIT'), 'FRAGMARK_AUTH_FAILURE_LIMIT', 0, 1_000_000),
        windowSeconds: integer(withDefault('FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS'), 'FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS', 1, 86_400),
      },
    },
    graphql: {
      maxDepth: integer(withDefault('FRAGMARK_MAX_QUERY_DEPTH'), 'FRAGMARK_MAX_QUERY_DEPTH', 2, 100),
      maxCost: integer(withDefault('FRAGMARK_MAX_QUERY_COST'), 'FRAGMARK_MAX_QUERY_COST', 10, 10_000_000),
      maxAliases: integer(withDefault('FRAGMARK_MAX_ALIASES'), 'FRAGMARK_MAX_ALIASES', 0, 1000),
      maxTokens: integer(withDefault('FRAGMARK_MAX_QUERY_TOKENS'), 'FRAGMARK_MAX_QUERY_TOKENS', 100, 1_000_000),
      introspection: boolean(read('FRAGMARK_INTROSPECTION') ?? String(environment !== 'production'), 'FRAGMARK_INTROSPECTION'),
    },
    database: {
      url: databaseUrl,
      embeddedPort: integer(withDefault('FRAGMARK_EMBEDDED_PG_PORT'), 'FRAGMARK_EMBEDDED_PG_PORT', 1, 65535),
      poolSize: integer(withDefault('FRAGMARK_DB_POOL_SIZE'), 'FRAGMARK_DB_POOL_SIZE', 1, 1000),
      poolTimeoutMs: integer(withDefault('FRAGMARK_DB_POOL_TIMEOUT_MS'), 'FRAGMARK_DB_POOL_TIMEOUT_MS', 100, 600_000),
    },
    dataDir,
    artifacts: {
      store: artifactStore,
      // Beside the blobs for a folder store (a rename then moves nothing across file systems).
      stagingDir: artifactStore.kind === 'file' ? path.join(artifactStore.dir, 'staging') : path.join(dataDir, 'artifact-staging'),
      maxUploadBytes: integer(withDefault('FRAGMARK_MAX_ARTIFACT_BYTES'), 'FRAGMARK_MAX_ARTIFACT_BYTES', 1024, 8 * 1024 * 1024 * 1024),
      candidateTtlHours: integer(withDefault('FRAGMARK_CANDIDATE_TTL_HOURS'), 'FRAGMARK_CANDIDATE_TTL_HOURS', 1, 24 * 366),
    },
    jobs: {
      embeddedWorkers: integer(read('FRAGMARK_WORKERS') ?? (databaseUrl === undefined ? '1' : '0'), 'FRAGMARK_WORKERS', 0, 64),
      workerConcurrency: integer(withDefault('FRAGMARK_WORKER_CONCURRENCY'), 'FRAGMARK_WORKER_CONCURRENCY', 1, 64),
      ioConcurrency: integer(withDefault('FRAGMARK_WORKER_IO_CONCURRENCY'), 'FRAGMARK_WORKER_IO_CONCURRENCY', 1, 256),
      tenantConcurrency: integer(withDefault('FRAGMARK_TENANT_JOB_CONCURRENCY'), 'FRAGMARK_TENANT_JOB_CONCURRENCY', 1, 256),
      heartbeatSeconds: integer(withDefault('FRAGMARK_JOB_HEARTBEAT_SECONDS'), 'FRAGMARK_JOB_HEARTBEAT_SECONDS', 10, 3600),
      retryLimit: integer(withDefault('FRAGMARK_JOB_RETRY_LIMIT'), 'FRAGMARK_JOB_RETRY_LIMIT', 0, 20),
      superviseIntervalSeconds: integer(withDefault('FRAGMARK_JOB_SUPERVISE_SECONDS'), 'FRAGMARK_JOB_SUPERVISE_SECONDS', 1, 600),
    },
    attestations: {
      issuer: publicUrl.replace(/\/+$/, ''),
      ttlSeconds: integer(withDefault('FRAGMARK_ATTESTATION_TTL_SECONDS'), 'FRAGMARK_ATTESTATION_TTL_SECONDS', 60, 5 * 365 * 86_400),
    },
    challenges: {
      maxRevealedShare: fraction(withDefault('FRAGMARK_CHALLENGE_MAX_REVEALED_SHARE'), 'FRAGMARK_CHALLENGE_MAX_REVEALED_SHARE'),
      maxSize: integer(withDefault('FRAGMARK_CHALLENGE_MAX_SIZE'), 'FRAGMARK_CHALLENGE_MAX_SIZE', 1, 1000),
      maxTtlSeconds: 7 * 86_400,
    },
    monitoring: {
      tickSeconds: integer(withDefault('FRAGMARK_MONITOR_TICK_SECONDS'), 'FRAGMARK_MONITOR_TICK_SECONDS', 1, 3600),
      minIntervalSeconds: integer(withDefault('FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS'), 'FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS', 1, 86_400),
      unreachableAfter: integer(withDefault('FRAGMARK_MONITOR_UNREACHABLE_AFTER'), 'FRAGMARK_MONITOR_UNREACHABLE_AFTER', 1, 100),
      maxMonitorsPerTenant: integer(withDefault('FRAGMARK_MONITOR_MAX_PER_TENANT'), 'FRAGMARK_MONITOR_MAX_PER_TENANT', 1, 1_000_000),
    },
    uploads: {
      maxModelJsonBytes: integer(withDefault('FRAGMARK_MAX_MODEL_JSON_BYTES'), 'FRAGMARK_MAX_MODEL_JSON_BYTES', 1024, 512 * 1024 * 1024),
      maxModelParameters: integer(withDefault('FRAGMARK_MAX_MODEL_PARAMETERS'), 'FRAGMARK_MAX_MODEL_PARAMETERS', 1, 500_000_000),
      tenantQuotaBytes: integer(withDefault('FRAGMARK_TENANT_STORAGE_QUOTA_BYTES'), 'FRAGMARK_TENANT_STORAGE_QUOTA_BYTES', 0, 2 ** 50),
    },
    egress: {
      allow: egressAllowList(read('FRAGMARK_EGRESS_ALLOW'), 'FRAGMARK_EGRESS_ALLOW'),
      extraCaCertificates: read('FRAGMARK_ENDPOINT_CA_FILE') === undefined ? null : caCertificates(path.resolve(cwd, read('FRAGMARK_ENDPOINT_CA_FILE')!), 'FRAGMARK_ENDPOINT_CA_FILE'),
    },
    webhooks: {
      timeoutMs: integer(withDefault('FRAGMARK_WEBHOOK_TIMEOUT_MS'), 'FRAGMARK_WEBHOOK_TIMEOUT_MS', 1000, 30_000),
      maxAttempts: integer(withDefault('FRAGMARK_WEBHOOK_MAX_ATTEMPTS'), 'FRAGMARK_WEBHOOK_MAX_ATTEMPTS', 1, 20),
      retryBaseSeconds: integer(withDefault('FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS'), 'FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS', 1, 3600),
    },
    engine: {
      backend: read('FRAGMARK_TF_BACKEND') === undefined ? undefined : oneOf(read('FRAGMARK_TF_BACKEND')!, ['node-gpu', 'node', 'wasm', 'cpu'] as const, 'FRAGMARK_TF_BACKEND'),
      wasmThreads: read('FRAGMARK_WASM_THREADS') === undefined ? undefined : integer(read('FRAGMARK_WASM_THREADS')!, 'FRAGMARK_WASM_THREADS', 1, 8),
      memoryBudgetMb: integer(withDefault('FRAGMARK_ENGINE_MEMORY_BUDGET_MB'), 'FRAGMARK_ENGINE_MEMORY_BUDGET_MB', 64, 3584),
    },
    vault: {
      masterKey: read('FRAGMARK_MASTER_KEY'),
      masterKeyFile: path.resolve(cwd, read('FRAGMARK_MASTER_KEY_FILE') ?? path.join(dataDir, 'master.key')),
      masterKeyFileExplicit: read('FRAGMARK_MASTER_KEY_FILE') !== undefined,
    },
    metrics: {
      enabled: boolean(withDefault('FRAGMARK_METRICS'), 'FRAGMARK_METRICS'),
      allow: cidrList(withDefault('FRAGMARK_METRICS_ALLOW'), 'FRAGMARK_METRICS_ALLOW'),
      workerPort: read('FRAGMARK_METRICS_PORT') === undefined ? undefined : integer(read('FRAGMARK_METRICS_PORT')!, 'FRAGMARK_METRICS_PORT', 0, 65535),
      workerHost: withDefault('FRAGMARK_METRICS_HOST'),
    },
    logLevel: oneOf(withDefault('FRAGMARK_LOG_LEVEL'), ['debug', 'info', 'warn', 'error', 'silent'] as const, 'FRAGMARK_LOG_LEVEL'),
  };
  const { workerPort } = config.metrics;
  if (workerPort !== undefined && workerPort > 0 && workerPort + Math.max(0, config.jobs.embeddedWorkers - 1) > 65535) {
    // Embedded worker i serves its metrics on FRAGMARK_METRICS_PORT + i.
    throw new ConfigError('FRAGMARK_METRICS_PORT', `leaves no port for each of the ${config.jobs.embeddedWorkers} embedded workers (port + index must be at most 65535)`);
  }
  return deepFreeze(config);
}

/**
 * FRAGMARK_ARTIFACT_STORE, else FRAGMARK_ARTIFACT_DIR (a folder), else the platform database when
 * DATABASE_URL is set (workers on other hosts then need nothing more), else a folder in the data
 * folder: with the embedded database everything runs on one host, and blobs stay out of it.
 */
function artifactStoreSpec(value: string | undefined, dir: string | undefined, databaseUrl: string | undefined, dataDir: string, cwd: string): ArtifactStoreSpec {
  const name = 'FRAGMARK_ARTIFACT_STORE';
  if (value !== undefined && dir !== undefined) throw new ConfigError(name, 'and FRAGMARK_ARTIFACT_DIR are both set: set only one (FRAGMARK_ARTIFACT_DIR=D means FRAGMARK_ARTIFACT_STORE=file:D)');
  if (value === undefined) {
    if (dir !== undefined) return { kind: 'file', dir: path.resolve(cwd, dir) };
    return databaseUrl !== undefined ? { kind: 'postgres' } : { kind: 'file', dir: path.join(dataDir, 'artifacts') };
  }
  if (value === 'postgres:' || value === 'postgresql:' || value === 'db:') return { kind: 'postgres' };
  if (value.startsWith('/') || value.startsWith('.')) return { kind: 'file', dir: path.resolve(cwd, value) };
  if (value.startsWith('file:')) {
    const rest = value.startsWith('file://') ? new URL(value).pathname : value.slice('file:'.length);
    if (rest === '') throw new ConfigError(name, 'file: needs a folder, e.g. file:/var/lib/fragmark/artifacts');
    return { kind: 'file', dir: path.resolve(cwd, decodeURIComponent(rest)) };
  }
  if (value.startsWith('s3://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(name, 'is not a valid s3://bucket/prefix URL');
    }
    if (url.username || url.password) throw new ConfigError(name, 'must not hold credentials: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(url.hostname)) throw new ConfigError(name, `names an invalid S3 bucket "${url.hostname}"`);
    const known = new Set(['region', 'endpoint', 'forcePathStyle']);
    for (const key of url.searchParams.keys()) if (!known.has(key)) throw new ConfigError(name, `has an unknown option "${key}" (known: region, endpoint, forcePathStyle)`);
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined) httpUrl(endpoint, `${name} endpoint`);
    const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
    return {
      kind: 's3',
      bucket: url.hostname,
      prefix: prefix === '' ? '' : `${prefix}/`,
      region: url.searchParams.get('region') ?? undefined,
      endpoint,
      forcePathStyle: boolean(url.searchParams.get('forcePathStyle') ?? 'false', `${name} forcePathStyle`),
    };
  }
  throw new ConfigError(name, 'must be postgres:, db:, file:/path (or a path) or s3://bucket/prefix');
}

/** A store URL given outside the environment (`fragmark artifacts copy --from URL`). */
export function parseArtifactStoreUrl(value: string, cwd: string = process.cwd()): ArtifactStoreSpec {
  return artifactStoreSpec(value, undefined, undefined, '', cwd);
}

function integer(value: string, name: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

function fraction(value: string, name: string): number {
  const parsed = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(parsed > 0 && parsed <= 1)) throw new ConfigError(name, `must be a number above 0 and at most 1, got "${value}"`);
  return parsed;
}

function egressAllowList(value: string | undefined, name: string): string[] {
  return value === undefined ? [] : cidrList(value, name);
}

function cidrList(value: string, name: string): string[] {
  try {
    return parseAllowList(value).map((c) => c.text);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

/** Largest CA file read at start-up: a bundle of a few hundred certificates. */
const MAX_CA_FILE_BYTES = 1 << 20;

/** A PEM bundle whose every certificate parses (a typo here would fail every https verification later). */
function caCertificates(file: string, name: string): string {
  let pem: string;
  try {
    if (statSync(file).size > MAX_CA_FILE_BYTES) throw new ConfigError(name, `${file} is larger than ${MAX_CA_FILE_BYTES} bytes`);
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, `cannot read ${file}: ${(error as Error).message}`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(name, `${file} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConfigError(name, `${file} holds a certificate that does not parse`);
    }
  }
  return blocks.join('\n');
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function boolean(value: string, name: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

function httpUrl(value: string, name: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must be an http or https URL');
}

/** Never echo the value: a connection string usually contains a password. */
function postgresUrl(value: string, name: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected postgresql://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError(name, `must start with postgresql:// (got ${url.protocol}//)`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(name, 'must name a database (postgresql://host/DATABASE)');
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
