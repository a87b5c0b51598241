/**
 * The platform's Prometheus metrics (docs/observability.md lists them). One registry per process:
 * `processMetrics` is the one `/metrics` serves (the API's HTTP port, a worker's metrics port);
 * tests build their own with createMetrics(). Not prom-client's global default registry.
 *
 * Labels have bounded values only: route templates, GraphQL root fields of the schema, job
 * kinds, verdicts, protocols, error codes. Never tenant ids, raw paths, URLs or anything secret.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request and query latencies: 5 ms to 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Job attempts: 50 ms (a webhook) to an hour (generation of a large trigger set). */
const JOB_BUCKETS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600];

export function createMetrics(registry: Registry = new Registry(), options: { processDefaults?: boolean } = {}) {
  const registers = [registry];
  if (options.processDefaults) collectDefaultMetrics({ register: registry, prefix: 'fragmark_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fragmark_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'fragmark_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by route template and method.',
      labelNames: ['route', 'method'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    graphqlOperations: new Counter({
      name: 'fragmark_graphql_operations_total',
      help: 'GraphQL operations, by root field (a field of the schema, "multiple" or "unknown"), operation type and outcome (success or error).',
      labelNames: ['operation', 'type', 'outcome'] as const,
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'fragmark_graphql_operation_duration_seconds',
      help: 'Time to parse, validate and execute a GraphQL operation, by root field and operation type.',
      labelNames: ['operation', 'type'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    jobQueueWaiting: new Gauge({
      name: 'fragmark_job_queue_waiting',
      help: 'Jobs ready to run that no worker has taken yet, by kind (read from PostgreSQL at scrape time).',
      labelNames: ['kind'] as const,
      registers,
    }),
    jobQueueRunning: new Gauge({
      name: 'fragmark_job_queue_running',
      help: 'Jobs a worker is running now, by kind (read from PostgreSQL at scrape time).',
      labelNames: ['kind'] as const,
      registers,
    }),
    jobQueueOldestAge: new Gauge({
      name: 'fragmark_job_queue_oldest_age_seconds',
      help: 'How long the longest-waiting ready job of each kind has waited; 0 when none waits (read at scrape time).',
      labelNames: ['kind'] as const,
      registers,
    }),
    jobAttempts: new Counter({
      name: 'fragmark_job_attempts_total',
      help: 'Job attempts this worker ran, by kind and outcome (succeeded, failed, cancelled, retried, handed_back, superseded, given_up, dropped).',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'fragmark_job_attempt_duration_seconds',
      help: 'Time one job attempt ran in this worker, by kind and outcome.',
      labelNames: ['kind', 'outcome'] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    verifications: new Counter({
      name: 'fragmark_verifications_total',
      help: 'Verifications that ended, by mode (ARTIFACT, ENDPOINT, CHALLENGE) and verdict (INTACT, TAMPERED, ERROR).',
      labelNames: ['mode', 'verdict'] as const,
      registers,
    }),
    endpointQueries: new Counter({
      name: 'fragmark_endpoint_queries_total',
      help: 'Queries of inference endpoints (all batches of one verification or enrollment), by protocol and outcome ("ok" or the error code).',
      labelNames: ['protocol', 'outcome'] as const,
      registers,
    }),
    endpointDuration: new Histogram({
      name: 'fragmark_endpoint_query_duration_seconds',
      help: 'Time one query of an inference endpoint took (every batch and retry), by protocol and outcome.',
      labelNames: ['protocol', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    vaultOperations: new Counter({
      name: 'fragmark_vault_operations_total',
      help: 'Vault seals and unseals, by operation (seal, unseal) and outcome (ok, error).',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    classifierCache: new Counter({
      name: 'fragmark_classifier_cache_lookups_total',
      help: 'Lookups of loaded classifiers kept between artifact verifications, by result (hit, miss).',
      labelNames: ['result'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** This process's metrics (with Node's process metrics: CPU, memory, event-loop lag). */
export const processMetrics: Metrics = createMetrics(new Registry(), { processDefaults: true });

/** Seconds since `started` (a performance.now() reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
