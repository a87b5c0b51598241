import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../errors.ts';
import { calibrateTolerance } from './calibrate.ts';
import { verdictFor } from './verify.ts';

test('calibration: strict when no benign transform flips, tolerance just above the worst otherwise', () => {
  assert.deepEqual(calibrateTolerance([0, 0]).policy, { kind: 'strict' });
  const sut = calibrateTolerance([0, 0.03, 0.01]);
  assert.equal(sut.policy.kind, 'tolerance');
  assert.ok(sut.policy.kind === 'tolerance' && Math.abs(sut.policy.maxMismatchFraction - 0.04) < 1e-12);
  assert.equal(verdictFor(sut.policy, 100, 97), 'intact');
  assert.equal(verdictFor(sut.policy, 100, 95), 'tampered');
  assert.throws(() => calibrateTolerance([]), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => calibrateTolerance([1.5]), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});
