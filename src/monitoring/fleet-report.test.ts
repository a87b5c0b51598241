import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Monitor } from '../db/generated/client.ts';
import { fleetReport, healthyShare as sut } from './fleet-report.ts';

const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute));

test('the HEALTHY share is time-weighted over the time the state was known', () => {
  // HEALTHY from the start, TAMPERED for the last quarter.
  assert.equal(sut('HEALTHY', [{ toState: 'TAMPERED', changedAt: t(30) }], t(0), t(40)), 0.75);
  // UNKNOWN for the first 10 minutes (not counted), then HEALTHY for 20, UNREACHABLE for 10.
  assert.equal(sut('UNKNOWN', [{ toState: 'HEALTHY', changedAt: t(10) }, { toState: 'UNREACHABLE', changedAt: t(30) }], t(0), t(40)), 20 / 30);
  assert.equal(sut('TAMPERED', [], t(0), t(40)), 0);
  assert.equal(sut('UNKNOWN', [], t(0), t(40)), null);
});

test('the report sums each monitor\'s verdicts, open alerts and evidence from the window, and starts from its last state before it', () => {
  const monitor = (id: string, createdAt: Date) => ({ id, createdAt }) as Monitor;
  const [a, b] = [monitor('a', t(-60)), monitor('b', t(20))];
  const report = fleetReport(
    {
      monitors: [a, b],
      verdicts: [{ monitorId: 'a', verdict: 'INTACT', count: 3 }, { monitorId: 'a', verdict: 'TAMPERED', count: 1 }, { monitorId: 'b', verdict: 'ERROR', count: 2 }],
      openAlerts: [{ monitorId: 'a', count: 1 }],
      changes: [{ monitorId: 'a', toState: 'TAMPERED', changedAt: t(30) }],
      before: [{ monitorId: 'a', toState: 'HEALTHY' }],
      evidence: [{ monitorId: 'a', verificationId: 'v1', verdict: 'TAMPERED', completedAt: t(30), attestationId: 'j1' }],
    },
    t(0),
    t(40),
  );
  const [rowA, rowB] = report.rows;
  assert.deepEqual([rowA!.checks, rowA!.intact, rowA!.tampered, rowA!.errors, rowA!.openAlerts, rowA!.healthyShare], [4, 3, 1, 0, 1, 0.75]);
  assert.deepEqual(rowA!.evidence, [{ verificationId: 'v1', verdict: 'TAMPERED', completedAt: t(30), attestationId: 'j1' }]);
  // b exists from minute 20 and was never known: no share, its two ERROR checks, nothing open.
  assert.deepEqual([rowB!.checks, rowB!.errors, rowB!.openAlerts, rowB!.healthyShare, rowB!.evidence], [2, 2, 0, null, []]);
});
