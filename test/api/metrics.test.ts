/**
 * Metrics and trace context end to end: the API's /metrics after GraphQL operations, a challenge
 * verification and a queued job (queue depth read at scrape time); a real worker's /metrics
 * (FRAGMARK_METRICS_PORT) after it ran the job; and the W3C traceparent a client sent reaching
 * the job's log lines and the inference endpoint the job queried.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { scrape, total, type Sample } from '../support/metrics.ts';
import { classifierFromModel, initBackend } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';
import { parseTraceparent } from '../../src/tracing/trace-context.ts';

const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`;
const VERDICT = `query($id: ID!) { verification(id: $id) { verdict errorReason } }`;
const CHALLENGE = `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 4 }) { challenge { id } userErrors { code message } } }`;
const ANSWER = `mutation($c: ID!, $l: [Int!]!) { answerChallenge(input: { challengeId: $c, labels: $l }) { verification { verdict } userErrors { code } } }`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('metrics and trace context', () => {
  let api: TestApi;
  let worker: TestWorker | undefined;
  let server: RunningInferenceServer;
  let tenant: { id: string; adminKey: string };
  let operator: string;
  let watermark: { id: string; modelVersionId: string };
  const apiMetrics = () => scrape(`${api.url}/metrics`);
  const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS, FRAGMARK_METRICS: 'true' });
    tenant = await createTenant(api, 'Observed');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    watermark = await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.id, { triggerCount: 8 });
    await initBackend({ log: () => {} });
    const classifier = classifierFromModel(buildTinyClassifier({ inputShape: [2, 2, 1], numClasses: 4 }));
    server = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'm', classifier });
  });
  after(async () => {
    if (worker) await stopTestWorker(worker);
    await server?.close();
    await api?.close();
  });

  test('the API counts GraphQL operations by root field and verdicts, and reads queue depth at scrape time; a worker counts its job', async () => {
    const first = await apiMetrics();
    assert.equal(first.status, 200);
    assert.match(first.contentType ?? '', /^text\/plain; version=0\.0\.4/);

    // An endpoint verification, sent with a W3C traceparent; no worker runs yet, so it waits.
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}`, traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({
        query: VERIFY,
        variables: { input: { modelVersionId: watermark.modelVersionId, mode: 'ENDPOINT', endpoint: { url: server.url, protocol: 'KSERVE_V2', modelName: 'm' } } },
      }),
    });
    const started = ((await response.json()) as any).data.verifyModel;
    assert.deepEqual(started.userErrors, []);
    const waiting = await apiMetrics();
    assert.equal(total(waiting.samples, 'fragmark_job_queue_waiting', { kind: 'VERIFY' }), 1, 'the queued job is seen at scrape time');
    assert.ok(total(waiting.samples, 'fragmark_job_queue_oldest_age_seconds', { kind: 'VERIFY' }) > 0);
    assert.equal(total(waiting.samples, 'fragmark_job_queue_waiting', { kind: 'WATERMARK' }), 0);
    assert.equal(delta(first.samples, waiting.samples, 'fragmark_graphql_operations_total', { operation: 'verifyModel', type: 'mutation', outcome: 'success' }), 1);
    assert.equal(delta(first.samples, waiting.samples, 'fragmark_http_requests_total', { route: '/graphql', method: 'POST', status: '200' }), 1);
    assert.equal(delta(first.samples, waiting.samples, 'fragmark_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }), 1, 'the first scrape');

    // A challenge, scored in the API process: a CHALLENGE verdict.
    const challenge = (await api.gql(CHALLENGE, { w: watermark.id }, operator)).data.createChallenge;
    assert.deepEqual(challenge.userErrors, []);
    const answered = (await api.gql(ANSWER, { c: challenge.challenge.id, l: [0, 1, 2, 3] }, operator)).data.answerChallenge.verification;
    assert.equal((await api.gql(`{ viewer { __typename } verification(id: "x") { verdict } }`, {}, operator)).errors, undefined);
    assert.ok((await api.gql(`{ noSuchField(tenant: "${tenant.id}") }`, {}, operator)).errors, 'invalid: no operation label from it');
    const afterChallenge = await apiMetrics();
    assert.equal(delta(waiting.samples, afterChallenge.samples, 'fragmark_verifications_total', { mode: 'CHALLENGE', verdict: answered.verdict }), 1);
    assert.equal(delta(waiting.samples, afterChallenge.samples, 'fragmark_graphql_operations_total', { operation: 'answerChallenge', outcome: 'success' }), 1);
    assert.equal(delta(waiting.samples, afterChallenge.samples, 'fragmark_graphql_operations_total', { operation: 'multiple', type: 'query', outcome: 'success' }), 1);
    assert.equal(delta(waiting.samples, afterChallenge.samples, 'fragmark_graphql_operations_total', { operation: 'unknown', type: 'unknown', outcome: 'error' }), 1);
    assert.ok(!afterChallenge.text.includes('noSuchField'), 'names that are not the schema\'s never become labels');
    assert.ok(delta(waiting.samples, afterChallenge.samples, 'fragmark_vault_operations_total', { operation: 'unseal', outcome: 'ok' }) >= 1);

    // The worker takes the job and serves its own metrics.
    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_METRICS_PORT: '0', FRAGMARK_LOG_LEVEL: 'info' });
    const ready = JSON.parse(worker.output().split('\n').find((line) => line.includes('"event":"ready"'))!) as { metricsUrl: string };
    let verdict = 'PENDING';
    for (let i = 0; i < 300 && verdict === 'PENDING'; i++) {
      verdict = (await api.gql(VERDICT, { id: started.verification.id }, operator)).data.verification.verdict;
      if (verdict === 'PENDING') await new Promise((r) => setTimeout(r, 100));
    }
    assert.notEqual(verdict, 'PENDING');
    const attempts = async () => total((await scrape(`${ready.metricsUrl}/metrics`)).samples, 'fragmark_job_attempts_total', { kind: 'VERIFY' });
    // The attempt is counted right after its transaction commits.
    for (let i = 0; i < 50 && (await attempts()) < 1; i++) await new Promise((r) => setTimeout(r, 100));
    const workerMetrics = await scrape(`${ready.metricsUrl}/metrics`);
    const w = workerMetrics.samples;
    const outcome = verdict === 'ERROR' ? 'failed' : 'succeeded';
    assert.equal(total(w, 'fragmark_job_attempts_total', { kind: 'VERIFY', outcome }), 1, workerMetrics.text);
    assert.equal(total(w, 'fragmark_job_attempt_duration_seconds_count', { kind: 'VERIFY', outcome }), 1);
    assert.equal(total(w, 'fragmark_verifications_total', { mode: 'ENDPOINT', verdict }), 1);
    assert.equal(total(w, 'fragmark_endpoint_queries_total', { protocol: 'KSERVE_V2', outcome: 'ok' }), 1);
    assert.equal(total(w, 'fragmark_endpoint_query_duration_seconds_count', { protocol: 'KSERVE_V2' }), 1);
    assert.ok(total(w, 'fragmark_vault_operations_total', { operation: 'unseal', outcome: 'ok' }) >= 1);
    assert.ok(total(w, 'fragmark_process_resident_memory_bytes') > 0, 'process metrics too');

    const done = await apiMetrics();
    assert.equal(total(done.samples, 'fragmark_job_queue_waiting', { kind: 'VERIFY' }), 0);
    assert.equal(total(done.samples, 'fragmark_job_queue_oldest_age_seconds', { kind: 'VERIFY' }), 0);
    assert.ok(delta(afterChallenge.samples, done.samples, 'fragmark_graphql_operations_total', { operation: 'verification', type: 'query', outcome: 'success' }) >= 1);
    for (const text of [done.text, workerMetrics.text]) {
      assert.ok(!text.includes(tenant.id), 'no tenant id in any label');
      assert.ok(!text.includes(watermark.modelVersionId) && !text.includes(started.verification.id), 'no record id');
      assert.ok(!text.includes(server.url), 'no endpoint URL');
    }
  });

  test('the traceparent a client sent reaches the job, its log lines and the inference endpoint, in child spans of the same trace', async () => {
    assert.ok(server.traceparents.length > 0, 'the endpoint received traceparent headers');
    for (const header of server.traceparents) {
      const sent = parseTraceparent(header);
      assert.ok(sent, header);
      assert.equal(sent.traceId, TRACE_ID);
      assert.notEqual(sent.spanId, CLIENT_SPAN, 'a span of ours, not the client one');
      assert.equal(sent.flags, 1, 'the sampled flag travels');
    }
    const jobLines = worker!
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"job attempt ended"'))
      .map((line) => JSON.parse(line) as { queue: string; traceId?: string });
    assert.deepEqual(jobLines.filter((line) => line.queue === 'verify').map((line) => line.traceId), [TRACE_ID]);
    const requestLines = api.logs.map((line) => JSON.parse(line) as { traceId?: string; msg: string }).filter((line) => line.traceId === TRACE_ID);
    assert.ok(requestLines.some((line) => line.msg === 'request'), 'the API logged the request with its trace id');
    assert.equal(new Set(api.logs.map((line) => (JSON.parse(line) as { traceId?: string }).traceId).filter(Boolean)).size > 1, true, 'other requests got new traces');
  });

  test('/metrics answers only when enabled for allowed clients: other paths stay unknown', async () => {
    const post = await fetch(`${api.url}/metrics`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.body?.cancel();
  });
});
