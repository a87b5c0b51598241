import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedLabels, generateKey, latentsFromSeed } from './key.ts';
import { isEngineError } from './errors.ts';

function counts(labels: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]!++;
  return c;
}

test('balancedLabels gives N/K per class when K divides N', () => {
  const sut = balancedLabels(10, 100);
  assert.deepEqual(counts(sut, 10), new Array(10).fill(10));
});

test('balancedLabels spreads the remainder so counts differ by at most one', () => {
  for (let trial = 0; trial < 20; trial++) {
    const sut = balancedLabels(7, 100);
    const c = counts(sut, 7);
    assert.equal(c.reduce((a, b) => a + b, 0), 100);
    assert.ok(Math.max(...c) - Math.min(...c) <= 1, `counts ${c}`);
  }
});

test('balancedLabels is shuffled and differs between draws', () => {
  const a = balancedLabels(10, 100);
  const b = balancedLabels(10, 100);
  const sorted = Int32Array.from(a).sort();
  assert.notDeepEqual(a, sorted, 'not in sorted order');
  assert.notDeepEqual(a, b, 'two draws differ');
});

test('balancedLabels rejects bad arguments with INVALID_ARGUMENT', () => {
  assert.throws(() => balancedLabels(1, 10), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => balancedLabels(10, 0), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});

test('generateKey draws a fresh seed and labels; latents are reproducible from the seed', () => {
  const sut = generateKey({ numClasses: 4, count: 10, latentDim: 16 });
  const other = generateKey({ numClasses: 4, count: 10, latentDim: 16 });
  assert.match(sut.latentSeed, /^[0-9a-f]{64}$/);
  assert.notEqual(sut.latentSeed, other.latentSeed);
  assert.equal(sut.labels.length, 10);
  const z1 = latentsFromSeed(sut.latentSeed, 10, 16);
  const z2 = latentsFromSeed(sut.latentSeed, 10, 16);
  assert.equal(z1.length, 160);
  assert.deepEqual(z1, z2);
  assert.notDeepEqual(z1, latentsFromSeed(other.latentSeed, 10, 16));
});
