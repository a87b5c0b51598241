import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist, loadMnistArrays } from './mnist.ts';

test('loadMnist returns normalised [n,28,28,1] images with labels in 0..9', () => {
  const sut = loadMnist('test', 200);
  try {
    assert.deepEqual(sut.xs.shape, [200, 28, 28, 1]);
    assert.deepEqual(sut.ys.shape, [200]);
    const [min, max] = [sut.xs.min().dataSync()[0]!, sut.xs.max().dataSync()[0]!];
    assert.ok(min >= 0 && max <= 1 && max > 0.9, `range ${min}..${max}`);
    const labels = Array.from(sut.ys.dataSync());
    assert.ok(labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9));
    assert.ok(new Set(labels).size === 10, 'all digits present in 200 examples');
  } finally {
    sut.xs.dispose();
    sut.ys.dispose();
  }
});

test('loadMnistArrays reads the train split and caps the count', () => {
  const sut = loadMnistArrays('train', 5);
  assert.equal(sut.count, 5);
  assert.equal(sut.images.length, 5 * 784);
  assert.equal(sut.labels.length, 5);
});
