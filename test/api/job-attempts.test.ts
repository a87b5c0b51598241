/**
 * At most one live attempt (issue 20): when pg-boss hands a job to a second worker while the first
 * still runs it (its heartbeats stalled), both attempts run, but only the newest may write a
 * result. The job handlers run here in this process, two attempts of one job at once, against a
 * real database, vault and artifact store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { decodeTriggerSet, encodeTriggerSet, initBackend, saveModelToFiles, triggerSetCommitment } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { runningJob } from '../../src/jobs/job-runtime.ts';
import { runWatermarkJob } from '../../src/watermarks/watermark-job.ts';

describe('job attempts', () => {
  let api: TestApi;
  let key: string;
  let tenant: { id: string; adminKey: string };
  let versionId: string;

  before(async () => {
    api = await startTestApi();
    tenant = await createTenant(api, 'Attempts');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ seed: 'attempts' });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "twice" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = (await api.gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`, { input: { modelId, label: '1' } }, key)).data
      .createModelVersion.modelVersion;
    versionId = created.id;
    await uploadFiles(api, key, created.uploadPath, await saveModelToFiles(model));
    model.dispose();
  });
  after(async () => {
    await api.close();
  });

  const deps = () => ({ db: api.database.db, vault: api.vault, store: api.store, logger: createLogger('error', {}, () => {}), engine: { backend: 'wasm' as const, wasmThreads: 1 } });
  const signal = new AbortController().signal;
  const startWatermark = async () =>
    (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, profile: TF32, allowWeak: true }) { watermark { id } job { id } } }`, { v: versionId }, key)).data
      .startWatermark as { watermark: { id: string }; job: { id: string } };
  const seals = (recordId: string) => api.database.db.auditEvent.count({ where: { recordId, action: 'vault.seal' } });

  test('a stale attempt writes nothing: not when a newer one has taken the job, not after it finished', async () => {
    // No worker runs: the job stays queued, and this test plays the workers.
    const started = await startWatermark();
    const db = api.database.db;
    // Attempt 2 took the job over (attempt 1's heartbeats had stalled)...
    await db.job.update({ where: { id: started.job.id }, data: { status: 'RUNNING', attempts: 2, workerId: 'worker-b' } });
    // ...then attempt 1 is delivered late: it must neither take the job back nor seal.
    await runWatermarkJob({ ...deps(), workerId: 'worker-a' }, runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
    let job = await db.job.findUniqueOrThrow({ where: { id: started.job.id } });
    assert.deepEqual([job.status, job.attempts, job.workerId], ['RUNNING', 2, 'worker-b']);
    assert.equal((await db.watermark.findUniqueOrThrow({ where: { id: started.watermark.id } })).status, 'PENDING');
    assert.equal(await seals(started.watermark.id), 0);

    // A later attempt (a retry of the stalled one) finishes it, once.
    await runWatermarkJob({ ...deps(), workerId: 'worker-c' }, runningJob(api.database.db, { id: started.job.id, retryCount: 2, retryLimit: 2, signal }));
    job = await db.job.findUniqueOrThrow({ where: { id: started.job.id } });
    assert.deepEqual([job.status, job.attempts, job.workerId], ['SUCCEEDED', 3, 'worker-c']);
    const watermark = await db.watermark.findUniqueOrThrow({ where: { id: started.watermark.id } });
    assert.equal(watermark.status, 'READY');
    assert.equal(await seals(watermark.id), 1);
    const set = decodeTriggerSet(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: null }));
    assert.equal(triggerSetCommitment(encodeTriggerSet(set)), watermark.commitment, 'the sealed set is the one the watermark commits to');

    // Stale attempts of the finished job change nothing.
    await runWatermarkJob({ ...deps(), workerId: 'worker-d' }, runningJob(api.database.db, { id: started.job.id, retryCount: 1, retryLimit: 2, signal }));
    assert.equal((await db.watermark.findUniqueOrThrow({ where: { id: watermark.id } })).commitment, watermark.commitment);
    assert.equal(await seals(watermark.id), 1);
  });

  test('two attempts running at once: exactly one result, consistent with its commitment', async () => {
    const started = await startWatermark();
    const db = api.database.db;
    const first = runWatermarkJob({ ...deps(), workerId: 'worker-a' }, runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
    // The second starts as soon as the first has taken the job, while it generates.
    for (let i = 0; i < 200; i++) {
      if ((await db.job.findUniqueOrThrow({ where: { id: started.job.id } })).attempts === 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const second = runWatermarkJob({ ...deps(), workerId: 'worker-b' }, runningJob(api.database.db, { id: started.job.id, retryCount: 1, retryLimit: 2, signal }));
    await Promise.all([first, second]);
    const job = await db.job.findUniqueOrThrow({ where: { id: started.job.id } });
    assert.equal(job.status, 'SUCCEEDED');
    const watermark = await db.watermark.findUniqueOrThrow({ where: { id: started.watermark.id } });
    assert.equal(watermark.status, 'READY');
    assert.equal(await seals(watermark.id), 1, 'sealed once');
    const set = decodeTriggerSet(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: null }));
    assert.equal(triggerSetCommitment(encodeTriggerSet(set)), watermark.commitment);
  });
});
