/**
 * An artifact check in a worker runs under the worker's engine settings (issue 19, item 1): its
 * micro-batches are sized from FRAGMARK_ENGINE_MEMORY_BUDGET_MB, as generation's are (the check
 * used the engine's default budget whatever the worker was given). The job handlers run here in
 * this process, as a worker runs them, against a real database, vault and queue.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inProcessJobDeps } from '../support/job-handlers.ts';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { runningJob } from '../../src/jobs/job-runtime.ts';
import { runWatermarkJob } from '../../src/watermarks/watermark-job.ts';
import { runVerificationJob } from '../../src/verifications/verification-job.ts';

const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { verdict triggersQueried errorReason job { status } } }`;

describe("an artifact check runs within the worker's engine memory budget", () => {
  let api: TestApi;
  let key: string;
  let versionId: string;
  const signal = new AbortController().signal;
  const deps = (memoryBudgetMb?: number) => inProcessJobDeps(api, memoryBudgetMb !== undefined ? { memoryBudgetMb } : {});

  async function verify(memoryBudgetMb?: number): Promise<{ verdict: string; triggersQueried: number | null; errorReason: string | null; job: { status: string } }> {
    const started = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ARTIFACT' } }, key)).data.verifyModel;
    assert.deepEqual(started.userErrors, []);
    await runVerificationJob(deps(memoryBudgetMb), runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
    return (await api.gql(RESULT, { id: started.verification.id }, key)).data.verification;
  }

  before(async () => {
    api = await startTestApi();
    const tenant = await createTenant(api, 'Budget');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ seed: 'budget' });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "budget" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = (await api.gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`, { input: { modelId, label: '1' } }, key)).data
      .createModelVersion.modelVersion;
    versionId = created.id;
    await uploadFiles(api, key, created.uploadPath, await saveModelToFiles(model));
    model.dispose();
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, allowWeak: true }) { job { id } } }`, { v: versionId }, key)).data.startWatermark;
    await runWatermarkJob(deps(), runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
  });
  after(async () => {
    await api?.close();
  });

  test('a budget too small for one example ends the check in ERROR, saying so; the default budget checks it INTACT', async () => {
    const starved = await verify(1e-4);
    assert.equal(starved.verdict, 'ERROR');
    assert.match(starved.errorReason!, /memory budget of 0\.0 MB is too small for one example.*FRAGMARK_ENGINE_MEMORY_BUDGET_MB/);
    assert.equal(starved.job.status, 'FAILED');
    const checked = await verify();
    assert.deepEqual([checked.verdict, checked.triggersQueried], ['INTACT', 12]);
  });
});
