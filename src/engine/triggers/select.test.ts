import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTriggers as sut } from './select.ts';
import type { TriggerSet } from './format.ts';

const set: TriggerSet = {
  shape: [2],
  numClasses: 3,
  labels: Int32Array.from([0, 1, 2, 1]),
  data: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]),
  metadata: { method: 'm', loss: { kind: 'CE_ONLY' }, parameters: {}, backend: 'cpu', modelDigest: '0'.repeat(64), createdAt: '2026-12-02T00:00:00Z' },
};

test('keeps the chosen triggers, labels and data together, in order', () => {
  const kept = sut(set, [1, 3]);
  assert.deepEqual(Array.from(kept.labels), [1, 1]);
  assert.deepEqual(Array.from(kept.data), [1, 1.5, 3, 3.5]);
  assert.equal(kept.metadata, set.metadata);
});

test('refuses indices out of range, repeated or out of order', () => {
  for (const bad of [[4], [-1], [1, 1], [2, 1], [0.5]]) assert.throws(() => sut(set, bad), /increasing integers in \[0, 4\)/);
});
