import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressMessage } from './watermark-job.ts';

test('the job message names the micro-batch of a long pass, so a 224x224 watermark visibly moves', () => {
  assert.equal(progressMessage({ stage: 'WARM_START', step: 3, accTri: 0.98 }), 'Step 3: AccTri 98%');
  assert.equal(progressMessage({ stage: 'WARM_START', step: 4, accTri: 1, microBatch: { done: 1, total: 1 } }), 'Step 4: AccTri 100%', 'one micro-batch: nothing to report');
  assert.equal(progressMessage({ stage: 'WARM_START', step: 4, accTri: 1, microBatch: { done: 7, total: 15 } }), 'Step 4: AccTri 100% (micro-batch 7 of 15)');
  assert.equal(progressMessage({ stage: 'PLACEMENT', step: 0, accTri: 0, microBatch: { done: 3, total: 15 } }), 'Placing the triggers (micro-batch 3 of 15)', 'no warm start: not "AccTri 0%" for the whole run');
});
