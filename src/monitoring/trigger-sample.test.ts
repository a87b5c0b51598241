import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriggerSample as sut } from './trigger-sample.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('a sample has the size asked for, distinct sorted indices from the available ones, never a revealed one', () => {
  const available = range(100).filter((i) => i % 3 !== 0);
  const revealed = [1, 2, 4, 5, 7];
  for (let round = 0; round < 50; round++) {
    const sample = sut(available, revealed, 20);
    assert.equal(sample.length, 20);
    assert.equal(new Set(sample).size, 20);
    assert.deepEqual(sample, [...sample].sort((a, b) => a - b));
    assert.ok(sample.every((i) => available.includes(i) && !revealed.includes(i)), String(sample));
  }
});

test('samples differ from run to run and cover the pool', () => {
  const seen = new Set<number>();
  const samples = new Set<string>();
  for (let round = 0; round < 40; round++) {
    const sample = sut(range(64), [], 8);
    samples.add(sample.join(','));
    sample.forEach((i) => seen.add(i));
  }
  assert.ok(samples.size >= 39, `${samples.size} distinct samples of 40`);
  assert.ok(seen.size >= 60, `${seen.size} of 64 indices ever drawn`);
});

test('fewer left than asked: all of them; none left: empty', () => {
  assert.deepEqual(sut([3, 5, 9, 11], [5], 8), [3, 9, 11]);
  assert.deepEqual(sut([3, 5], [3, 5], 8), []);
});
