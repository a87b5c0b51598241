import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressFraction, progressMessage } from './watermark-job.ts';

test('the job message names the micro-batch of a long pass, so a 224x224 watermark visibly moves', () => {
  assert.equal(progressMessage({ stage: 'WARM_START', step: 3, accTri: 0.98 }), 'Step 3: AccTri 98%');
  assert.equal(progressMessage({ stage: 'WARM_START', step: 4, accTri: 1, microBatch: { done: 1, total: 1 } }), 'Step 4: AccTri 100%', 'one micro-batch: nothing to report');
  assert.equal(progressMessage({ stage: 'WARM_START', step: 4, accTri: 1, microBatch: { done: 7, total: 15 } }), 'Step 4: AccTri 100% (micro-batch 7 of 15)');
  assert.equal(progressMessage({ stage: 'PLACEMENT', step: 0, accTri: 0, microBatch: { done: 3, total: 15 } }), 'Placing the triggers (micro-batch 3 of 15)', 'no warm start: not "AccTri 0%" for the whole run');
});

test('while the triggers are placed, the job says how many are in place and its progress follows them', () => {
  const placing = { stage: 'PLACEMENT' as const, step: 0, accTri: 0, placed: { done: 80, total: 100 } };
  assert.equal(progressMessage({ ...placing, microBatch: { done: 2, total: 8 } }), 'Placing the triggers: 80 of 100 in place (micro-batch 2 of 8)');
  assert.equal(progressFraction({ stage: 'WARM_START', step: 30, accTri: 0.5 }, 300), 0.1);
  assert.equal(progressFraction({ stage: 'PLACEMENT', step: 0, accTri: 0 }, 300), 0, 'no count yet');
  assert.ok(Math.abs(progressFraction(placing, 300) - 0.76) < 1e-12, 'no warm start: 80% of 0.95');
  // After 30 warm-start steps of 300 (0.1), the placement fills the rest up to 0.95.
  assert.ok(Math.abs(progressFraction({ ...placing, step: 30, placed: { done: 50, total: 100 } }, 300) - (0.1 + 0.85 * 0.5)) < 1e-12);
  assert.equal(progressFraction({ ...placing, placed: { done: 100, total: 100 } }, 300), 0.95);
});
