import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailureLimiter, clientKey } from './auth-failure-limiter.ts';

function limiter(limit: number, windowSeconds: number) {
  let now = 0;
  const sut = new AuthFailureLimiter({ limit, windowSeconds }, () => now);
  return { sut, advance: (ms: number) => (now += ms) };
}

test('an address may fail `limit` times; then it waits until one failure has refilled', () => {
  const { sut, advance } = limiter(3, 60);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 0);
  assert.equal(sut.recordFailure('10.0.0.1'), false);
  assert.equal(sut.recordFailure('10.0.0.1'), false);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 0);
  assert.equal(sut.recordFailure('10.0.0.1'), true, 'the third failure uses the allowance up');
  // One token refills every 20 s.
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 20);
  assert.equal(sut.retryAfterSeconds('10.0.0.2'), 0, 'other addresses are not affected');
  advance(15_000);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 5);
  advance(5_000);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 0);
  assert.equal(sut.recordFailure('10.0.0.1'), true);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 20);
  // A full window later the whole allowance is back.
  advance(60_000);
  for (let i = 0; i < 2; i++) assert.equal(sut.recordFailure('10.0.0.1'), false);
  assert.equal(sut.recordFailure('10.0.0.1'), true);
});

test('failures of requests already in flight are paid back with a longer wait', () => {
  const { sut } = limiter(2, 10);
  for (let i = 0; i < 6; i++) sut.recordFailure('10.0.0.1');
  // 2 allowed, 4 more owed: the bucket is at -4 and needs 5 tokens (5 s each) to reach 1.
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 25);
});

test('a limit of 0 turns the limiter off', () => {
  const { sut } = limiter(0, 60);
  for (let i = 0; i < 100; i++) assert.equal(sut.recordFailure('10.0.0.1'), false);
  assert.equal(sut.retryAfterSeconds('10.0.0.1'), 0);
});

test('client keys: IPv4 (also IPv4-mapped) as is, IPv6 by its /64', () => {
  assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
  assert.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:0db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientKey('::1'), '0:0:0:0::/64');
  assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientKey(undefined), 'unknown');
});
