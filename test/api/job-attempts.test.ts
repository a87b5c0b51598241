/**
 * At most one live attempt (issue 20): when pg-boss hands a job to a second worker while the first
 * still runs it (its heartbeats stalled), both attempts run, but only the newest may write a
 * result. The job handlers run here in this process, two attempts of one job at once, against a
 * real database, vault and artifact store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { classifierFromModel, decodeTriggerSet, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { createLogger } from '../../src/logging/logger.ts';
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
    classifierFromModel(model);
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

  test('two attempts of one watermark job at once: only the newer one seals, the READY trigger set is never replaced', async () => {
    // No worker runs: the job stays queued, and this test plays both workers.
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, profile: TF32 }) { watermark { id } job { id } } }`, { v: versionId }, key)).data
      .startWatermark;
    const deps = { db: api.database.db, vault: api.vault, store: api.store, logger: createLogger('error', {}, () => {}), retryLimit: 2 };
    const signal = new AbortController().signal;
    // Attempt 1 starts first; attempt 2 takes the job over while attempt 1 is still generating.
    const first = runWatermarkJob({ ...deps, workerId: 'worker-a' }, { id: started.job.id, retryCount: 0, signal });
    await new Promise((r) => setTimeout(r, 50));
    const second = runWatermarkJob({ ...deps, workerId: 'worker-b' }, { id: started.job.id, retryCount: 1, signal });
    await Promise.all([first, second]);

    const db = api.database.db;
    const job = await db.job.findUniqueOrThrow({ where: { id: started.job.id } });
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.attempts, 2);
    assert.equal(job.workerId, 'worker-b');
    const watermark = await db.watermark.findUniqueOrThrow({ where: { id: started.watermark.id } });
    assert.equal(watermark.status, 'READY');
    assert.equal(await db.auditEvent.count({ where: { recordId: watermark.id, action: 'vault.seal' } }), 1, 'sealed once, by the owning attempt');
    const set = decodeTriggerSet(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: null }));
    const { triggerSetCommitment, encodeTriggerSet } = await import('../../src/engine/index.ts');
    assert.equal(triggerSetCommitment(encodeTriggerSet(set)), watermark.commitment, 'the sealed set is the one the watermark commits to');

    // A late, stale attempt of the finished job writes nothing either.
    await runWatermarkJob({ ...deps, workerId: 'worker-c' }, { id: started.job.id, retryCount: 0, signal });
    const again = await db.watermark.findUniqueOrThrow({ where: { id: watermark.id } });
    assert.equal(again.commitment, watermark.commitment);
    assert.equal(await db.auditEvent.count({ where: { recordId: watermark.id, action: 'vault.seal' } }), 1);
  });
});
