import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../errors.ts';
import { decodeTriggerSet, encodeTriggerSet, triggerSetCommitment, type TriggerSet } from './format.ts';

function sample(): TriggerSet {
  const data = new Float32Array(3 * 2 * 2 * 1);
  // Values a lossy format would not keep: tiny differences, negatives, large magnitudes.
  data.forEach((_, i) => (data[i] = (i % 2 ? -1 : 1) * (1 + i * 1.0000001e-7) * 10 ** (i % 5 - 2)));
  return {
    shape: [2, 2, 1],
    numClasses: 4,
    labels: Int32Array.from([3, 0, 2]),
    data,
    metadata: {
      method: 'fragile-trigger/yin2022',
      loss: { kind: 'CE_VARIANCE', lambda: 150 },
      parameters: { latentSeed: 'ab'.repeat(32), steps: 12 },
      backend: 'wasm',
      modelDigest: 'cd'.repeat(32),
      createdAt: '2026-11-25T00:00:00.000Z',
    },
  };
}

const invalidSet = (e: unknown) => isEngineError(e, 'INVALID_TRIGGER_SET');

test('encode/decode round-trips bit-exact float32 triggers, labels and metadata', () => {
  const set = sample();
  const bytes = encodeTriggerSet(set);
  const sut = decodeTriggerSet(bytes);
  assert.deepEqual(sut.shape, set.shape);
  assert.equal(sut.numClasses, 4);
  assert.deepEqual(sut.labels, set.labels);
  assert.deepEqual(new Uint32Array(sut.data.buffer), new Uint32Array(set.data.buffer));
  assert.deepEqual(sut.metadata, set.metadata);
});

test('encoding is canonical: same set, same bytes and commitment; any change, new commitment', () => {
  const a = encodeTriggerSet(sample());
  const b = encodeTriggerSet({ ...sample(), metadata: { ...sample().metadata } });
  assert.deepEqual(a, b);
  const c = triggerSetCommitment(a);
  assert.match(c, /^[0-9a-f]{64}$/);
  const changed = sample();
  changed.data[5] = Math.fround(changed.data[5]! * (1 + 2 ** -20));
  assert.notEqual(triggerSetCommitment(encodeTriggerSet(changed)), c);
});

test('decoding rejects truncation, altered bytes, bad magic, version and trailing bytes', () => {
  const bytes = encodeTriggerSet(sample());
  assert.throws(() => decodeTriggerSet(bytes.subarray(0, bytes.length - 1)), invalidSet);
  assert.throws(() => decodeTriggerSet(bytes.subarray(0, 20)), invalidSet);
  assert.throws(() => decodeTriggerSet(new Uint8Array(0)), invalidSet);
  for (const pos of [0, 9, 12, 20, bytes.length - 40, bytes.length - 5]) {
    const altered = Uint8Array.from(bytes);
    altered[pos]! ^= 0x01;
    assert.throws(() => decodeTriggerSet(altered), invalidSet, `flip at ${pos}`);
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.throws(() => decodeTriggerSet(longer), invalidSet);
});

test('encoding rejects inconsistent sets', () => {
  assert.throws(() => encodeTriggerSet({ ...sample(), labels: Int32Array.from([3, 0, 4]) }), invalidSet);
  assert.throws(() => encodeTriggerSet({ ...sample(), data: new Float32Array(5) }), invalidSet);
  const nan = sample();
  nan.data[0] = Number.NaN;
  assert.throws(() => encodeTriggerSet(nan), invalidSet);
});
