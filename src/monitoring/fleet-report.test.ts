import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthyShare as sut } from './fleet-report.ts';

const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute));

test('the HEALTHY share is time-weighted over the time the state was known', () => {
  // HEALTHY from the start, TAMPERED for the last quarter.
  assert.equal(sut('HEALTHY', [{ toState: 'TAMPERED', changedAt: t(30) }], t(0), t(40)), 0.75);
  // UNKNOWN for the first 10 minutes (not counted), then HEALTHY for 20, UNREACHABLE for 10.
  assert.equal(sut('UNKNOWN', [{ toState: 'HEALTHY', changedAt: t(10) }, { toState: 'UNREACHABLE', changedAt: t(30) }], t(0), t(40)), 20 / 30);
  assert.equal(sut('TAMPERED', [], t(0), t(40)), 0);
  assert.equal(sut('UNKNOWN', [], t(0), t(40)), null);
});
