/**
 * Every variable Fragmark reads, declared once, in README order: its rule (kind and allowed
 * values, config-rules.ts), its default as written in the environment, its description, and
 * whether it is a secret. loadConfig (config.ts) assembles the Config from the parsed values, the
 * README's table is generated from it (config-table.ts, `npm run docs:config`) and config.test.ts
 * checks every default and every integer bound from it.
 *
 * A variable declared with `setting` always has a value (its default when unset); one declared
 * with `optional` is undefined when unset (a default that depends on other variables is applied
 * by loadConfig and stated in the description). ConfigValues gives each parsed value's type.
 */
import { BACKEND_CHOICES, MAX_WASM_THREADS, MIN_WASM_THREADS } from '../common/engine-backends.ts';
import { artifactStoreUrl } from './artifact-store-spec.ts';
import { ConfigError } from './config-error.ts';
import { boolean, cidrList, filePath, fraction, httpUrl, integer, oneOf, pemCertificatesFile, postgresUrl, text, type ParseContext, type Rule } from './config-rules.ts';

interface Declared<T> {
  readonly rule: Rule<T>;
  readonly description: string;
  /** Never shown in an error message (nor logged: the Config object is never logged). */
  readonly secret: boolean;
}

/** A variable that always has a value: its default (as written in the environment) when unset. */
export interface Setting<T> extends Declared<T> {
  readonly default: string;
}

/** A variable that is undefined when unset. */
export interface Optional<T> extends Declared<T> {
  readonly default: undefined;
}

export type ConfigVariableSpec = Setting<unknown> | Optional<unknown>;

function setting<T>(rule: Rule<T>, defaultValue: string, description: string): Setting<T> {
  return { rule, default: defaultValue, description, secret: false };
}

function optional<T>(rule: Rule<T>, description: string, options: { secret?: boolean } = {}): Optional<T> {
  return { rule, default: undefined, description, secret: options.secret ?? false };
}

export const CONFIG_SCHEMA = {
  FRAGMARK_ENV: setting(oneOf(['development', 'production', 'test'] as const), 'production', 'Only development puts error details in API responses.'),
  FRAGMARK_HOST: setting(text('a host name or address'), '127.0.0.1', 'Interface the HTTP server listens on.'),
  FRAGMARK_PORT: setting(integer(0, 65535), '4000', 'HTTP port (0 picks a free one).'),
  FRAGMARK_PUBLIC_URL: optional(httpUrl(), 'Address clients use to reach the server; defaults to http://HOST:PORT.'),
  DATABASE_URL: optional(postgresUrl(), 'PostgreSQL connection string. Unset: an embedded PostgreSQL is started with its data in FRAGMARK_DATA_DIR.', { secret: true }),
  FRAGMARK_DATA_DIR: setting(filePath(), '.fragmark', 'Folder for local state (embedded database, master key file, first-start admin key file). Relative paths are resolved from the working directory.'),
  FRAGMARK_EMBEDDED_PG_PORT: setting(integer(1, 65535), '54329', 'Loopback port of the embedded PostgreSQL.'),
  FRAGMARK_LOG_LEVEL: setting(oneOf(['debug', 'info', 'warn', 'error', 'silent'] as const), 'info', 'Logs are JSON lines on stdout.'),
  FRAGMARK_AUTH_FAILURE_LIMIT: setting(integer(0, 1_000_000), '10', 'Failed API-key authentications one client address may make per window; further requests with a key get 429 with Retry-After until the allowance refills. 0 turns the limit off.'),
  FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS: setting(integer(1, 86_400), '60', 'The window of FRAGMARK_AUTH_FAILURE_LIMIT: the allowance refills evenly over this many seconds.'),
  FRAGMARK_MAX_BODY_BYTES: setting(integer(1024, 100 * 1024 * 1024), '1048576', 'Largest accepted GraphQL request body, in bytes.'),
  FRAGMARK_MAX_QUERY_DEPTH: setting(integer(2, 100), '12', 'Deepest accepted GraphQL selection nesting.'),
  FRAGMARK_MAX_QUERY_COST: setting(integer(10, 10_000_000), '5000', 'Largest accepted estimated query cost (each field costs 1, multiplied by the page size of the lists above it).'),
  FRAGMARK_MAX_ALIASES: setting(integer(0, 1000), '30', 'Most aliases accepted in one GraphQL document.'),
  FRAGMARK_MAX_QUERY_TOKENS: setting(integer(100, 1_000_000), '5000', 'Most lexical tokens (names, punctuation, values) in one GraphQL document; longer documents are refused before parsing finishes.'),
  FRAGMARK_INTROSPECTION: optional(boolean(), 'Allow GraphQL introspection. Defaults to true except in production.'),
  FRAGMARK_EGRESS_ALLOW: optional(cidrList(), 'CIDRs (or single addresses) that workers may send inference-endpoint queries and webhook deliveries to although the egress policy refuses them by default (loopback, private, link-local, CGNAT, multicast, reserved), e.g. "10.20.0.0/16,fd00:1234::/32". Set it on the API and every worker. Default: none.'),
  FRAGMARK_ENDPOINT_CA_FILE: optional(pemCertificatesFile(), 'CA certificates that https inference endpoints may chain to, in addition to the system roots (a private CA). Set it on every worker. Default: system roots only.'),
  FRAGMARK_MASTER_KEY: optional(text('a keyring'), 'Vault master keyring: base64 of 32 random bytes, or versioned entries "2:<base64>,1:<base64>" during rotation. Takes precedence over the key file.', { secret: true }),
  FRAGMARK_MASTER_KEY_FILE: optional(filePath(), 'File holding the master keyring (same format). Default: master.key in FRAGMARK_DATA_DIR, generated on a fresh installation with owner-only permissions.'),
  FRAGMARK_ARTIFACT_STORE: optional(artifactStoreUrl(), 'Where model artifacts (content-addressed blobs) are kept: "postgres:" (or "db:", chunked in the platform database), "file:/path" (or a plain path: one folder, shared by every host that runs a worker), or "s3://bucket/prefix" (any S3-compatible store; options ?region=R&endpoint=URL&forcePathStyle=true; credentials from the AWS_* variables; not integration-tested here). Default: postgres: when DATABASE_URL is set, else the folder artifacts in FRAGMARK_DATA_DIR (docs/operations.md, "Artifact storage").'),
  FRAGMARK_ARTIFACT_DIR: optional(filePath(), 'Shorthand for FRAGMARK_ARTIFACT_STORE=file:<folder> (set one or the other, not both).'),
  FRAGMARK_MAX_ARTIFACT_BYTES: setting(integer(1024, 8 * 1024 * 1024 * 1024), '268435456', 'Largest accepted model upload (all files together), in bytes.'),
  FRAGMARK_MAX_MODEL_JSON_BYTES: setting(integer(1024, 512 * 1024 * 1024), '4194304', 'Largest accepted model.json of an upload, in bytes; refused (413) while streaming, before it is parsed.'),
  FRAGMARK_MAX_MODEL_PARAMETERS: setting(integer(1, 500_000_000), '100000000', 'Most parameters (weight elements) an uploaded model may declare; refused (422) before anything is built.'),
  FRAGMARK_TENANT_STORAGE_QUOTA_BYTES: setting(integer(0, 2 ** 50), '1073741824', 'Artifact bytes one tenant may keep (model versions and candidate artifacts together); an upload that would pass it is refused (413 QUOTA_EXCEEDED) before it is stored. 0 turns the quota off.'),
  FRAGMARK_WORKERS: optional(integer(0, 64), 'Worker processes `fragmark serve` starts beside the API. Default: 1 on the embedded database, 0 with DATABASE_URL (run `fragmark worker` instead).'),
  FRAGMARK_WORKER_CONCURRENCY: setting(integer(1, 64), '1', 'CPU jobs (trigger generation) one worker process runs at a time.'),
  FRAGMARK_WORKER_IO_CONCURRENCY: setting(integer(1, 256), '8', 'I/O jobs (verifications, endpoint enrollments) one worker process runs at a time, beside its CPU jobs.'),
  FRAGMARK_TENANT_JOB_CONCURRENCY: setting(integer(1, 256), '2', 'Most jobs of one tenant running at once in each queue, across all workers, so one tenant cannot hold every slot.'),
  FRAGMARK_JOB_HEARTBEAT_SECONDS: setting(integer(10, 3600), '10', 'A running job whose worker sends no heartbeat for this long is retried by another worker.'),
  FRAGMARK_JOB_RETRY_LIMIT: setting(integer(0, 20), '2', 'Retries of a failed job (with exponential backoff, at most 60 s apart) before it ends FAILED. Attempts handed back by a stopping worker are not failures.'),
  FRAGMARK_JOB_SUPERVISE_SECONDS: setting(integer(1, 600), '5', 'How often the queue looks for jobs whose worker stopped sending heartbeats.'),
  FRAGMARK_TF_BACKEND: optional(oneOf(BACKEND_CHOICES), 'Force a TF.js backend. Default: the best one installed.'),
  FRAGMARK_WASM_THREADS: optional(integer(MIN_WASM_THREADS, MAX_WASM_THREADS), `Threads of the wasm backend (1 is the stock single-threaded build). Default: one per CPU, at most ${MAX_WASM_THREADS}.`),
  FRAGMARK_ENGINE_MEMORY_BUDGET_MB: setting(integer(64, 3584), '1024', 'Memory (MB) the tensors of one pass through a classifier may take in a worker: passes over more triggers than fit (generation, Jacobians, serving checks, verification) run in micro-batches sized from the model\'s measured activation memory. The worker\'s memory is this plus the weights and kernel scratch (about 3 GB in all for ResNet-50 at 224x224 at the default); wasm32 has a 4 GB address space.'),
  FRAGMARK_ATTESTATION_TTL_SECONDS: setting(integer(60, 5 * 365 * 86_400), '2592000', 'Lifetime of attestation tokens (exp - iat); 30 days by default.'),
  FRAGMARK_CHALLENGE_MAX_REVEALED_SHARE: setting(fraction(), '0.5', 'Largest share of a watermark\'s triggers that challenges may reveal in total; further challenges are refused.'),
  FRAGMARK_CHALLENGE_MAX_SIZE: setting(integer(1, 1000), '50', 'Most triggers one challenge may reveal.'),
  FRAGMARK_MONITOR_TICK_SECONDS: setting(integer(1, 3600), '5', 'How often each worker starts the monitors\' checks that are due (each due run starts once across all workers); also the most a run starts late on an idle fleet.'),
  FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS: setting(integer(1, 86_400), '60', 'Shortest schedule a monitor may have (interval, or the gap between two cron slots).'),
  FRAGMARK_MONITOR_UNREACHABLE_AFTER: setting(integer(1, 100), '2', 'Checks in a row that end in ERROR (the endpoint could not be reached or answered wrongly) before a monitored deployment becomes UNREACHABLE and an alert opens.'),
  FRAGMARK_MONITOR_MAX_PER_TENANT: setting(integer(1, 1_000_000), '2000', 'Most monitors one tenant may keep.'),
  FRAGMARK_SHUTDOWN_TIMEOUT_MS: setting(integer(0, 600_000), '10000', 'How long a graceful shutdown may take: the API answers 503 while in-flight requests finish; a worker lets running jobs finish for half of it, then hands the rest back to the queue.'),
  FRAGMARK_DB_POOL_SIZE: setting(integer(1, 1000), '10', 'PostgreSQL connections each process (API, every worker) keeps in its pool. A request holds at most one at a time.'),
  FRAGMARK_DB_POOL_TIMEOUT_MS: setting(integer(100, 600_000), '5000', 'How long a request waits for a free pooled connection; past it the API answers SERVICE_UNAVAILABLE (GraphQL) or 503, with Retry-After.'),
  FRAGMARK_WEBHOOK_TIMEOUT_MS: setting(integer(1000, 30_000), '10000', 'Longest one webhook delivery attempt may take; a receiver that answers later counts as failed and gets a retry.'),
  FRAGMARK_WEBHOOK_MAX_ATTEMPTS: setting(integer(1, 20), '10', 'Attempts per webhook delivery, the first included, before it ends FAILED.'),
  FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS: setting(integer(1, 3600), '5', 'Delay before a webhook delivery\'s first retry; each further retry waits 4 times longer, with ±20% jitter, at most 24 hours (the defaults span about two days over 10 attempts). A Retry-After answer can only lengthen a wait.'),
  FRAGMARK_METRICS: setting(boolean(), 'false', 'true: the API serves Prometheus metrics at /metrics on its HTTP port, to clients in FRAGMARK_METRICS_ALLOW only (docs/observability.md).'),
  FRAGMARK_METRICS_ALLOW: setting(cidrList(), '127.0.0.1/32,::1/128', 'Clients that may read /metrics (the API\'s and the workers\'); others get 404. Add your Prometheus server\'s address.'),
  FRAGMARK_METRICS_PORT: optional(integer(0, 65535), 'Port on which each worker process serves its own /metrics (job attempts, verdicts, endpoint queries, vault, model cache). Worker processes started by `fragmark serve` use this port plus their index (0, 1, ...), which must stay at most 65535. Default: workers serve no metrics.'),
  FRAGMARK_METRICS_HOST: setting(text('a host name or address'), '127.0.0.1', 'Interface the workers\' metrics listener binds (FRAGMARK_METRICS_PORT).'),
  FRAGMARK_CANDIDATE_TTL_HOURS: setting(integer(1, 24 * 366), '168', 'Hours an uploaded candidate artifact (PUT /v1/verification-artifacts) stays usable; workers then delete it and its unshared blobs. Finished verifications keep its digest.'),
} as const;

export type ConfigVariableName = keyof typeof CONFIG_SCHEMA;

/** The parsed value of a declared variable: undefined only for an optional one left unset. */
export type ValueOf<V> = V extends Setting<infer T> ? T : V extends Optional<infer T> ? T | undefined : never;

export type ConfigValues = { readonly [K in ConfigVariableName]: ValueOf<(typeof CONFIG_SCHEMA)[K]> };

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses one variable: its value in `env` (trimmed; empty counts as unset), else its default. A
 * secret's value is cut out of any error message.
 */
export function parseVariable<T>(name: string, variable: Setting<T> | Optional<T>, env: Env, context: ParseContext): T | undefined {
  const raw = env[name]?.trim() || variable.default;
  if (raw === undefined) return undefined;
  try {
    return variable.rule.parse(raw, name, context);
  } catch (error) {
    if (variable.secret && error instanceof ConfigError) throw new ConfigError(error.variable, error.detail.split(raw).join('(value hidden)'));
    throw error;
  }
}

/** Every declared variable parsed (the first bad one throws its ConfigError). */
export function parseVariables(env: Env, context: ParseContext): ConfigValues {
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(CONFIG_SCHEMA) as Array<[string, ConfigVariableSpec]>) values[name] = parseVariable(name, variable, env, context);
  return values as ConfigValues;
}

export interface ConfigVariable {
  name: ConfigVariableName;
  /** Default as written in the README; undefined when unset means no value (or one derived from others). */
  default: string | undefined;
  /** The values it accepts, in words. */
  allowed: string;
  /** Integer variables: the smallest and largest value accepted. */
  bounds: { readonly min: number; readonly max: number } | undefined;
  description: string;
  secret: boolean;
}

/** Every variable Fragmark reads, in README order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = (Object.entries(CONFIG_SCHEMA) as Array<[ConfigVariableName, ConfigVariableSpec]>).map(([name, v]) => ({
  name,
  default: v.default,
  allowed: v.rule.allowed,
  bounds: v.rule.bounds,
  description: v.description,
  secret: v.secret,
}));
