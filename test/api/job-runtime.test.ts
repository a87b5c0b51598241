/**
 * The job runtime under faults, with real worker processes: a stopped worker (SIGTERM) hands
 * its running jobs back and another finishes them; a frozen worker (SIGSTOP: its event loop and
 * heartbeats stop, as a blocked event loop would) loses its job to another and writes nothing
 * when it wakes; a killed one (SIGKILL) is replaced. Every job finishes exactly once, and its
 * first result is never replaced. Also: per-tenant concurrency, and a closing API answering 503.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { classifierFromModel, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';

const START = `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id } job { id } userErrors { code message } } }`;
const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`;
/**
 * A generation that runs for several seconds on the tiny model (100 triggers: about 8 s here).
 * allowWeak: these tests are about the job runtime, and the tiny model's self-check may flip no trigger.
 */
const LONG_GENERATION = { method: 'SENSITIVE', profile: 'FP32_EXACT', allowWeak: true };

describe('job runtime: handover, fencing and fairness under faults', () => {
  let api: TestApi;
  let tenant: { id: string; adminKey: string };
  let operator: string;
  let versionId: string;
  const workers: TestWorker[] = [];
  const servers: RunningInferenceServer[] = [];
  const db = () => api.database.db;

  const worker = async (env: Record<string, string> = {}) => {
    const started = await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_SHUTDOWN_TIMEOUT_MS: '2000', ...env });
    workers.push(started);
    return started;
  };
  const waitFor = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 120_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const job = (id: string) => db().job.findUniqueOrThrow({ where: { id } });
  const startLongWatermark = async (triggerCount: number) => {
    const started = (await api.gql(START, { input: { modelVersionId: versionId, triggerCount, ...LONG_GENERATION } }, operator)).data.startWatermark;
    assert.deepEqual(started.userErrors, []);
    return started as { watermark: { id: string }; job: { id: string } };
  };
  const seals = (recordId: string) => db().auditEvent.count({ where: { recordId, action: 'vault.seal' } });

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS }, { superviseIntervalSeconds: 1, retryDelaySeconds: 1 });
    tenant = await createTenant(api, 'Fleet');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
    const files = await saveModelToFiles(model);
    const classifier = classifierFromModel(model);
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "digits" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
    const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, operator)).data.createModelVersion
      .modelVersion;
    versionId = version.id;
    assert.equal((await uploadFiles(api, operator, version.uploadPath, files)).status, 200);
    // A slow but honest endpoint serving the same model: 300 ms per request, a few requests per verification.
    servers.push(await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier, behaviour: 'slow', slowMs: 300 }));
  });
  // A test that failed midway leaves no worker behind to take the next test's jobs.
  afterEach(async () => {
    for (const w of workers.splice(0)) await stopTestWorker(w, 'SIGKILL');
  });
  after(async () => {
    for (const s of servers) await s.close();
    await api.close();
  });

  /** Two workers, started together; a job goes to one of them, the other is its rescuer. */
  const twoWorkers = () => Promise.all([worker(), worker()]);
  /** The worker running `jobId` (Job.workerId is host:pid), and the other one. */
  const holderOf = async (jobId: string, pair: TestWorker[]) => {
    const running = await waitFor(() => job(jobId), (j) => j.status === 'RUNNING' && j.workerId !== null);
    const holder = pair.find((w) => running.workerId!.endsWith(`:${w.child.pid}`))!;
    assert.ok(holder, `no test worker runs the job (${running.workerId})`);
    return { holder, other: pair.find((w) => w !== holder)! };
  };

  test('SIGTERM during generation hands the job back; another worker finishes it, never CANCELLED', async () => {
    const pair = await twoWorkers();
    const started = await startLongWatermark(100);
    const { holder } = await holderOf(started.job.id, pair);
    // The generation (several seconds) outlasts the worker's grace period (1 s).
    await stopTestWorker(holder, 'SIGTERM');
    const handed = await job(started.job.id);
    assert.equal(handed.handovers, 1, JSON.stringify(handed));
    assert.notEqual(handed.status, 'CANCELLED');
    assert.equal(handed.cancelRequested, false);
    const done = await waitFor(() => job(started.job.id), (j) => !['QUEUED', 'RUNNING'].includes(j.status), 180_000);
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.deepEqual([done.attempts, done.handovers], [2, 1]);
    assert.equal((await db().watermark.findUniqueOrThrow({ where: { id: started.watermark.id } })).status, 'READY');
    assert.equal(await seals(started.watermark.id), 1);
  });

  test('a frozen worker (no heartbeats) loses its job to another and writes nothing when it wakes', async () => {
    const pair = await twoWorkers();
    const started = await startLongWatermark(100);
    const { holder: frozen } = await holderOf(started.job.id, pair);
    frozen.child.kill('SIGSTOP');
    // Heartbeats stop for 10 s; pg-boss then gives the job to the other worker.
    await waitFor(() => job(started.job.id), (j) => j.attempts === 2, 60_000);
    frozen.child.kill('SIGCONT');
    const done = await waitFor(() => job(started.job.id), (j) => !['QUEUED', 'RUNNING'].includes(j.status), 180_000);
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    // The worker that took over says why the job ran again.
    const taker = pair.find((w) => w !== frozen)!;
    const retried = taker
      .output()
      .split('\n')
      .filter((line) => line.includes('job attempt starts after an earlier one ended'))
      .map((line) => JSON.parse(line) as { jobId: string; attempt: number; previous: string | null });
    assert.deepEqual(retried.map(({ jobId, attempt, previous }) => ({ jobId, attempt, previous })), [{ jobId: started.job.id, attempt: 2, previous: 'job heartbeat timeout' }], taker.output());
    const ready = await db().watermark.findUniqueOrThrow({ where: { id: started.watermark.id } });
    assert.equal(ready.status, 'READY');
    // The woken attempt stops (its claim is gone) or is refused at its final write: the first result stands, sealed once.
    await waitFor(async () => frozen.output(), (out) => out.includes('a newer attempt owns this job'), 60_000);
    const after = await db().watermark.findUniqueOrThrow({ where: { id: started.watermark.id } });
    assert.deepEqual([after.commitment, after.readyAt], [ready.commitment, ready.readyAt]);
    assert.equal(await seals(started.watermark.id), 1);
    assert.equal((await job(started.job.id)).status, 'SUCCEEDED');
  });

  test('SIGKILL during generation: the job is retried elsewhere and completes exactly once', async () => {
    const pair = await twoWorkers();
    const started = await startLongWatermark(100);
    const { holder } = await holderOf(started.job.id, pair);
    await stopTestWorker(holder, 'SIGKILL');
    const done = await waitFor(() => job(started.job.id), (j) => !['QUEUED', 'RUNNING'].includes(j.status), 180_000);
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.equal(done.attempts, 2, 'the other worker took the job over');
    assert.equal(await seals(started.watermark.id), 1);
    assert.equal(await db().watermark.count({ where: { jobId: started.job.id } }), 1);
  });

  test('SIGTERM during an endpoint verification hands it back; its verdict comes from the next worker', async () => {
    const pair = await twoWorkers();
    const endpoint = { url: servers[0]!.url, protocol: 'KSERVE_V2', modelName: 'digits' };
    // The version's newest READY watermark (100 triggers: 7 requests of 300 ms, past the 1 s grace).
    const verify = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpoint } }, operator)).data.verifyModel;
    assert.deepEqual(verify.userErrors, []);
    const { holder } = await holderOf(verify.job.id, pair);
    await stopTestWorker(holder, 'SIGTERM');
    assert.equal((await job(verify.job.id)).handovers, 1);
    const done = await waitFor(() => db().verification.findUniqueOrThrow({ where: { id: verify.verification.id } }), (v) => v.verdict !== 'PENDING', 120_000);
    assert.equal(done.verdict, 'INTACT', done.errorReason ?? '');
    assert.equal(await db().attestation.count({ where: { verificationId: verify.verification.id } }), 1);
  });

  test("one tenant's slow verifications cannot hold every slot: per-tenant concurrency", async () => {
    const other = await createTenant(api, 'Other');
    const otherOperator = (await createKey(api, other.adminKey, 'OPERATOR')).secret;
    const small = buildTinyClassifier({ inputShape: [8, 8, 1] });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "quick" }) { model { id } } }`, {}, otherOperator)).data.registerModel.model.id;
    const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, otherOperator)).data
      .createModelVersion.modelVersion;
    await uploadFiles(api, otherOperator, version.uploadPath, await saveModelToFiles(small));
    small.dispose();
    await worker({ FRAGMARK_TENANT_JOB_CONCURRENCY: '1', FRAGMARK_WORKER_IO_CONCURRENCY: '4' });
    const quickWatermark = (await api.gql(START, { input: { modelVersionId: version.id, triggerCount: 10, method: 'CE_ONLY', maxSteps: 50, allowWeak: true } }, otherOperator)).data.startWatermark;
    await waitFor(() => job(quickWatermark.job.id), (j) => j.status === 'SUCCEEDED');

    // Tenant A: four verifications of a slow endpoint (300 ms per request, about 2 s each). Tenant B:
    // one quick one, which must end before A's last starts: about 6 s for B's job to be taken and
    // run (with three, a loaded CI host once took longer than the 4 s it left).
    const endpoint = { url: servers[0]!.url, protocol: 'KSERVE_V2', modelName: 'digits' };
    const slow = await Promise.all(
      [0, 1, 2, 3].map(async () => (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpoint } }, operator)).data.verifyModel.job.id as string),
    );
    await waitFor(() => job(slow[0]!), (j) => j.status === 'RUNNING');
    const quick = (await api.gql(VERIFY, { input: { modelVersionId: version.id, mode: 'ARTIFACT' } }, otherOperator)).data.verifyModel;
    const quickDone = await waitFor(() => job(quick.job.id), (j) => j.status === 'SUCCEEDED', 30_000);
    const slowDone = await waitFor(() => Promise.all(slow.map(job)), (jobs) => jobs.every((j) => j.status === 'SUCCEEDED'), 60_000);
    // Tenant A's jobs ran one at a time, and tenant B did not wait for them.
    const runs = slowDone.map((j) => [j.startedAt!.getTime(), j.finishedAt!.getTime()] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i]![0] >= runs[i - 1]![1] - 50, `tenant A ran two jobs at once: ${JSON.stringify(runs)}`);
    assert.ok(quickDone.finishedAt!.getTime() < runs.at(-1)![0], 'tenant B finished before tenant A’s last job started');
  });

  test('a closing API answers 503 with Retry-After, never a reset connection', async () => {
    const closing = await startTestApi();
    const closed = closing.close();
    const answers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        try {
          const response = await fetch(`${closing.url}/healthz`);
          return `${response.status} ${response.headers.get('retry-after')}`;
        } catch (error) {
          return `error: ${(error as Error).message}`;
        }
      }),
    );
    await closed;
    assert.deepEqual(answers, Array(4).fill('503 1'));
  });
});
