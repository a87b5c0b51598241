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
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });
  return {
    registry,
    httpRequests: counter('fragmark_http_requests_total', 'HTTP requests answered, by route template, method and status code.', ['route', 'method', 'status']),
    httpDuration: histogram('fragmark_http_request_duration_seconds', 'Time from receiving a request to finishing its answer, by route template and method.', ['route', 'method'], LATENCY_BUCKETS),
    graphqlOperations: counter('fragmark_graphql_operations_total', 'GraphQL operations, by root field (a field of the schema, "multiple" or "unknown"), operation type and outcome (success or error).', ['operation', 'type', 'outcome']),
    graphqlDuration: histogram('fragmark_graphql_operation_duration_seconds', 'Time to parse, validate and execute a GraphQL operation, by root field and operation type.', ['operation', 'type'], LATENCY_BUCKETS),
    jobQueueWaiting: gauge('fragmark_job_queue_waiting', 'Jobs ready to run that no worker has taken yet, by kind (read from PostgreSQL at scrape time).', ['kind']),
    jobQueueRunning: gauge('fragmark_job_queue_running', 'Jobs a worker is running now, by kind (read from PostgreSQL at scrape time).', ['kind']),
    jobQueueOldestAge: gauge('fragmark_job_queue_oldest_age_seconds', 'How long the longest-waiting ready job of each kind has waited; 0 when none waits (read at scrape time).', ['kind']),
    jobAttempts: counter('fragmark_job_attempts_total', 'Job attempts this worker ran, by kind and outcome (succeeded, failed, cancelled, retried, handed_back, superseded, given_up, dropped).', ['kind', 'outcome']),
    jobDuration: histogram('fragmark_job_attempt_duration_seconds', 'Time one job attempt ran in this worker, by kind and outcome.', ['kind', 'outcome'], JOB_BUCKETS),
    verifications: counter('fragmark_verifications_total', 'Verifications that ended, by mode (ARTIFACT, ENDPOINT, CHALLENGE) and verdict (INTACT, TAMPERED, ERROR).', ['mode', 'verdict']),
    endpointQueries: counter('fragmark_endpoint_queries_total', 'Queries of inference endpoints (all batches of one verification or enrollment), by protocol and outcome ("ok" or the error code).', ['protocol', 'outcome']),
    endpointDuration: histogram('fragmark_endpoint_query_duration_seconds', 'Time one query of an inference endpoint took (every batch and retry), by protocol and outcome.', ['protocol', 'outcome'], LATENCY_BUCKETS),
    vaultOperations: counter('fragmark_vault_operations_total', 'Vault seals and unseals, by operation (seal, unseal) and outcome (ok, error).', ['operation', 'outcome']),
    classifierCache: counter('fragmark_classifier_cache_lookups_total', 'Lookups of loaded classifiers kept between artifact verifications, by result (hit, miss).', ['result']),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** This process's metrics (with Node's process metrics: CPU, memory, event-loop lag). */
export const processMetrics: Metrics = createMetrics(new Registry(), { processDefaults: true });

/** Seconds since `started` (a performance.now() reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
