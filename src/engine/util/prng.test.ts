import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededStream } from './prng.ts';

test('SeededStream is deterministic per (seed, domain) and differs across them', () => {
  const a = new SeededStream('seed-1', 'latents').normals(64);
  const b = new SeededStream('seed-1', 'latents').normals(64);
  const c = new SeededStream('seed-2', 'latents').normals(64);
  const d = new SeededStream('seed-1', 'generator').normals(64);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notDeepEqual(a, d);
});

test('nextNormal has roughly zero mean and unit variance', () => {
  const sut = new SeededStream('stats');
  const xs = sut.normals(20000);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});

test('nextInt stays in range and shuffle is a permutation', () => {
  const sut = new SeededStream('ints');
  for (let i = 0; i < 1000; i++) {
    const v = sut.nextInt(7);
    assert.ok(v >= 0 && v < 7 && Number.isInteger(v));
  }
  const arr = Array.from({ length: 50 }, (_, i) => i);
  sut.shuffle(arr);
  assert.deepEqual([...arr].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(arr, Array.from({ length: 50 }, (_, i) => i));
});
