import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelayMs as sut } from './retry-schedule.ts';

const defaults = { maxAttempts: 10, retryBaseSeconds: 5 };
const middle = () => 0.5;

test('exponential: base × 4^(n-1), capped at a day, none after the last attempt', () => {
  const delays = Array.from({ length: 10 }, (_, i) => sut(i + 1, defaults, null, middle));
  assert.deepEqual(delays.slice(0, 4), [5_000, 20_000, 80_000, 320_000]);
  assert.equal(delays[8], MAX_RETRY_DELAY_MS);
  assert.equal(delays[9], null);
  const total = delays.reduce((sum: number, d) => sum + (d ?? 0), 0);
  assert.ok(total > 40 * 3_600_000 && total < 60 * 3_600_000, `the schedule spans about two days (${total / 3_600_000} h)`);
  assert.equal(sut(1, { maxAttempts: 1, retryBaseSeconds: 5 }), null);
});

test('jitter stays within ±20%', () => {
  assert.equal(sut(2, defaults, null, () => 0), 16_000);
  assert.equal(sut(2, defaults, null, () => 0.999999), 24_000);
});

test('Retry-After only lengthens the wait, and never past a day', () => {
  assert.equal(sut(1, defaults, 60_000, middle), 60_000);
  assert.equal(sut(3, defaults, 1_000, middle), 80_000);
  assert.equal(sut(1, defaults, 10 * MAX_RETRY_DELAY_MS, middle), MAX_RETRY_DELAY_MS);
});

test('Retry-After is read as seconds or an HTTP date', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('Tue, 01 Dec 2026 10:01:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter('-5', now), null);
});
