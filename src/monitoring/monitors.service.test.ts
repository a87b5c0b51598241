import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { actorOf } from '../../test/support/service-fixture.ts';
import { seedReadyVersion } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import type { Monitor } from '../db/generated/client.ts';
import { MonitorsService, type CreateMonitorInput } from './monitors.service.ts';
import { MonitorsRepository } from './monitors.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
let versionA: string;
let now = new Date('2026-12-02T12:00:00Z');
const SETTINGS = { minIntervalSeconds: 60, maxMonitorsPerTenant: 4 };
const sut = (actor: Actor | null) => new MonitorsService(actor ? new MonitorsRepository(scopeToTenant(testDb.db, actor.tenantId)) : null, actor, SETTINGS, () => now);
const adminA = () => sut(actorOf(tenantA, 'TENANT_ADMIN'));

const endpoint = async (tenantId: string, modelVersionId: string, removedAt: Date | null = null) =>
  (await testDb.db.registeredEndpoint.create({ data: { tenantId, modelVersionId, name: `e-${randomUUID().slice(0, 8)}`, url: 'https://serving.example/', protocol: 'KSERVE_V2', modelName: 'net', removedAt } })).id;

/** An alert opened by a change of `monitor` to TAMPERED (written as the integrity listener would). */
async function openAlert(monitor: Monitor) {
  const verificationId = randomUUID();
  const change = await testDb.db.integrityChange.create({ data: { tenantId: monitor.tenantId, monitorId: monitor.id, fromState: 'HEALTHY', toState: 'TAMPERED', verificationId, changedAt: now } });
  return testDb.db.integrityAlert.create({ data: { tenantId: monitor.tenantId, monitorId: monitor.id, changeId: change.id, state: 'TAMPERED', verificationId, openedAt: now } });
}

const audited = (action: string, recordId: string) => testDb.db.auditEvent.count({ where: { action, recordId } });

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  versionA = (await seedReadyVersion(testDb.db, tenantA)).id;
});
after(() => testDb.drop());

test('create: a tenant admin monitors a registered endpoint or a ready artifact, once each, up to the limit, audited; runs start at once', async () => {
  const endpointId = await endpoint(tenantA, versionA);
  const byEndpoint = await adminA().create({ endpointId, intervalSeconds: 600, triggerSample: 8 });
  assert.deepEqual([byEndpoint.mode, byEndpoint.endpointId, byEndpoint.modelVersionId, byEndpoint.state, byEndpoint.triggerSample], ['ENDPOINT', endpointId, versionA, 'UNKNOWN', 8]);
  assert.deepEqual([byEndpoint.anchorAt, byEndpoint.nextRunAt], [now, now]);
  assert.equal(await audited('monitor.create', byEndpoint.id), 1);
  const byArtifact = await adminA().create({ modelVersionId: versionA, cron: '0 * * * *', paused: true });
  assert.deepEqual([byArtifact.mode, byArtifact.endpointId, byArtifact.paused, byArtifact.cron], ['ARTIFACT', null, true, '0 * * * *']);
  assert.deepEqual(byArtifact.nextRunAt, new Date('2026-12-02T13:00:00Z'), 'the first cron slot after now');

  await assert.rejects(adminA().create({ endpointId, intervalSeconds: 600 }), { code: 'MONITOR_EXISTS' });
  await assert.rejects(adminA().create({ modelVersionId: versionA, intervalSeconds: 600 }), { code: 'MONITOR_EXISTS' });
  for (let i = (await testDb.db.monitor.count({ where: { tenantId: tenantA } })); i < SETTINGS.maxMonitorsPerTenant; i++) {
    await adminA().create({ endpointId: await endpoint(tenantA, versionA), intervalSeconds: 600 });
  }
  await assert.rejects(adminA().create({ endpointId: await endpoint(tenantA, versionA), intervalSeconds: 600 }), { code: 'MONITOR_LIMIT_REACHED' });
  const versionB = (await seedReadyVersion(testDb.db, tenantB)).id;
  assert.equal((await sut(actorOf(tenantB, 'TENANT_ADMIN')).create({ modelVersionId: versionB, intervalSeconds: 600 })).tenantId, tenantB, "another tenant's monitors do not count");
  await testDb.db.monitor.deleteMany({ where: { tenantId: tenantA } }); // room for the next tests
});

test('creations at once cannot pass the per-tenant limit together', async () => {
  const tenantC = (await testDb.db.tenant.create({ data: { name: 'C', slug: 'c' } })).id;
  const versionC = (await seedReadyVersion(testDb.db, tenantC)).id;
  const adminC = sut(actorOf(tenantC, 'TENANT_ADMIN'));
  for (let i = 1; i < SETTINGS.maxMonitorsPerTenant; i++) await adminC.create({ endpointId: await endpoint(tenantC, versionC), intervalSeconds: 600 });
  const endpoints = await Promise.all([1, 2, 3].map(() => endpoint(tenantC, versionC)));
  const results = await Promise.allSettled(endpoints.map((endpointId) => adminC.create({ endpointId, intervalSeconds: 600 })));
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? 'created' : (r.reason as { code?: string }).code)).sort(), ['MONITOR_LIMIT_REACHED', 'MONITOR_LIMIT_REACHED', 'created']);
  assert.equal(await testDb.db.monitor.count({ where: { tenantId: tenantC } }), SETTINGS.maxMonitorsPerTenant);
});

test('create refuses roles below tenant admin, foreign, removed and unready targets, and bad schedules, storing and auditing nothing', async () => {
  const versionB = (await seedReadyVersion(testDb.db, tenantB)).id;
  const foreignEndpoint = await endpoint(tenantB, versionB);
  const fresh = (await seedReadyVersion(testDb.db, tenantA)).id;
  const unready = (await seedReadyVersion(testDb.db, tenantA, { status: 'AWAITING_UPLOAD' })).id;
  const removed = await endpoint(tenantA, fresh, new Date());
  const before = [await testDb.db.monitor.count(), await testDb.db.auditEvent.count()];
  const refused: Array<[CreateMonitorInput, string]> = [
    [{ intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ endpointId: foreignEndpoint, modelVersionId: fresh, intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ endpointId: foreignEndpoint, intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ endpointId: removed, intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ endpointId: 'nope', intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: versionB, intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: unready, intervalSeconds: 600 }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: fresh, intervalSeconds: 59 }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: fresh, intervalSeconds: 600, cron: '* * * * *' }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: fresh, intervalSeconds: 600, jitterSeconds: 601 }, 'INVALID_MONITOR_INPUT'],
    [{ modelVersionId: fresh, intervalSeconds: 600, triggerSample: 7 }, 'INVALID_MONITOR_INPUT'],
  ];
  for (const [input, code] of refused) await assert.rejects(adminA().create(input), { code }, JSON.stringify(input));
  for (const role of ['OPERATOR', 'VIEWER'] as const) await assert.rejects(sut(actorOf(tenantA, role)).create({ modelVersionId: fresh, intervalSeconds: 600 }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actorOf(null, 'PLATFORM_ADMIN')).create({ modelVersionId: fresh, intervalSeconds: 600 }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).create({ modelVersionId: fresh, intervalSeconds: 600 }), { code: 'UNAUTHENTICATED' });
  assert.deepEqual([await testDb.db.monitor.count(), await testDb.db.auditEvent.count()], before);
});

test('update re-anchors a new schedule and a resumed monitor at now, keeps what is left out; delete takes its alerts; both audited, both tenant admin only', async () => {
  const monitor = await adminA().create({ modelVersionId: (await seedReadyVersion(testDb.db, tenantA)).id, intervalSeconds: 600, jitterSeconds: 30, triggerSample: 16 });
  now = new Date(now.getTime() + 3_600_000);
  const paused = await adminA().update({ id: monitor.id, paused: true });
  assert.deepEqual([paused.paused, paused.nextRunAt, paused.intervalSeconds, paused.jitterSeconds, paused.triggerSample], [true, monitor.nextRunAt, 600, 30, 16], 'pausing changes nothing else');
  const resumed = await adminA().update({ id: monitor.id, paused: false, triggerSample: null });
  assert.deepEqual([resumed.paused, resumed.anchorAt, resumed.triggerSample], [false, now, null], 'resumed from now, without replaying missed runs');
  assert.ok(resumed.nextRunAt >= now && resumed.nextRunAt.getTime() <= now.getTime() + 30_000);
  const cron = await adminA().update({ id: monitor.id, cron: '30 * * * *', jitterSeconds: 0 });
  assert.deepEqual([cron.intervalSeconds, cron.cron, cron.nextRunAt], [null, '30 * * * *', new Date('2026-12-02T13:30:00Z')]);
  assert.equal(await audited('monitor.update', monitor.id), 3);
  await assert.rejects(adminA().update({ id: monitor.id, intervalSeconds: 10 }), { code: 'INVALID_MONITOR_INPUT' });
  await assert.rejects(sut(actorOf(tenantA, 'OPERATOR')).update({ id: monitor.id, paused: true }), { code: 'FORBIDDEN' });
  const adminB = sut(actorOf(tenantB, 'TENANT_ADMIN'));
  await assert.rejects(adminB.update({ id: monitor.id, paused: true }), { code: 'MONITOR_NOT_FOUND' });
  await assert.rejects(adminB.delete(monitor.id), { code: 'MONITOR_NOT_FOUND' });
  await assert.rejects(sut(actorOf(tenantA, 'OPERATOR')).delete(monitor.id), { code: 'FORBIDDEN' });
  assert.equal((await testDb.db.monitor.findUniqueOrThrow({ where: { id: monitor.id } })).paused, false, 'refused changes change nothing');

  const alert = await openAlert(monitor);
  await adminA().delete(monitor.id);
  assert.equal(await testDb.db.monitor.count({ where: { id: monitor.id } }), 0);
  assert.equal(await testDb.db.integrityAlert.count({ where: { id: alert.id } }), 0);
  assert.equal(await audited('monitor.delete', monitor.id), 1);
  await assert.rejects(adminA().delete(monitor.id), { code: 'MONITOR_NOT_FOUND' });
});

test('acknowledge: an operator closes an open alert once, named and audited; viewers cannot; foreign alerts do not exist; bad notes are refused', async () => {
  const monitor = await adminA().create({ modelVersionId: (await seedReadyVersion(testDb.db, tenantA)).id, intervalSeconds: 600 });
  const alert = await openAlert(monitor);
  const key = await testDb.db.apiKey.create({ data: { tenantId: tenantA, name: 'on-call', role: 'OPERATOR', prefix: 'fmk_x', secretHash: randomUUID() } });
  const operator = sut(actorOf(tenantA, 'OPERATOR', key.id));
  await assert.rejects(sut(actorOf(tenantA, 'VIEWER')).acknowledge(alert.id), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actorOf(tenantB, 'OPERATOR')).acknowledge(alert.id), { code: 'ALERT_NOT_FOUND' });
  await assert.rejects(operator.acknowledge(alert.id, 'x'.repeat(501)), { code: 'INVALID_MONITOR_INPUT' });
  await assert.rejects(operator.acknowledge(alert.id, 'bell\x07'), { code: 'INVALID_MONITOR_INPUT' });
  assert.equal((await testDb.db.integrityAlert.findUniqueOrThrow({ where: { id: alert.id } })).acknowledgedAt, null);

  const open = async (actor: Actor, filter: { open?: boolean }) => (await sut(actor).alerts({ ...filter, monitorId: monitor.id }, { first: 10 })).items.map((a) => a.id);
  assert.deepEqual(await open(actorOf(tenantA, 'VIEWER'), { open: true }), [alert.id]);
  const acked = await operator.acknowledge(alert.id, 'redeployed');
  assert.deepEqual([acked.acknowledgedAt, acked.acknowledgedById, acked.acknowledgedBy, acked.note], [now, key.id, 'on-call', 'redeployed']);
  now = new Date(now.getTime() + 60_000);
  assert.deepEqual((await operator.acknowledge(alert.id, 'again')).acknowledgedAt, acked.acknowledgedAt, 'idempotent');
  assert.equal(await audited('alert.acknowledge', alert.id), 1);
  assert.deepEqual(await open(actorOf(tenantA, 'VIEWER'), { open: true }), []);
  assert.deepEqual(await open(actorOf(tenantA, 'VIEWER'), { open: false }), [alert.id]);
  assert.deepEqual(await open(actorOf(tenantB, 'VIEWER'), {}), []);
});

test("reads are the caller's tenant's alone; the report window is bounded", async () => {
  const endpointId = await endpoint(tenantA, (await seedReadyVersion(testDb.db, tenantA)).id);
  await testDb.db.monitor.deleteMany({ where: { tenantId: tenantA } });
  const monitor = await adminA().create({ endpointId, intervalSeconds: 600 });
  await openAlert(monitor);
  const viewerA = sut(actorOf(tenantA, 'VIEWER'));
  const viewerB = sut(actorOf(tenantB, 'VIEWER'));
  assert.equal((await viewerA.get(monitor.id))?.id, monitor.id);
  assert.equal((await viewerA.forEndpoint(endpointId))?.id, monitor.id);
  assert.deepEqual((await viewerA.forVersion(monitor.modelVersionId)).map((m) => m.id), [monitor.id]);
  assert.deepEqual((await viewerA.list({ modelVersionId: monitor.modelVersionId }, { first: 10 })).items.map((m) => m.id), [monitor.id]);
  assert.deepEqual((await viewerA.list({ state: 'TAMPERED' }, { first: 10 })).items, []);
  assert.deepEqual((await viewerA.report(new Date(now.getTime() - 86_400_000))).rows.map((r) => [r.monitor.id, r.openAlerts]), [[monitor.id, 1]]);

  assert.equal(await viewerB.get(monitor.id), null);
  assert.equal(await viewerB.forEndpoint(endpointId), null);
  assert.deepEqual(await viewerB.forVersion(monitor.modelVersionId), []);
  assert.ok(!(await viewerB.list({}, { first: 50 })).items.some((m) => m.tenantId !== tenantB));
  assert.equal((await viewerB.alerts({}, { first: 50 })).totalCount, 0);
  assert.ok(!(await viewerB.report(new Date(now.getTime() - 86_400_000))).rows.some((r) => r.monitor.tenantId !== tenantB));
  assert.equal((await viewerB.runs(monitor.id, { first: 10 })).totalCount, 0);

  await assert.rejects(viewerA.report(now, now), { code: 'INVALID_MONITOR_INPUT' });
  await assert.rejects(viewerA.report(new Date(now.getTime() - 367 * 86_400_000)), { code: 'INVALID_MONITOR_INPUT' });
  await assert.rejects(sut(null).list({}, { first: 1 }), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(actorOf(null, 'PLATFORM_ADMIN')).alerts({}, { first: 1 }), { code: 'FORBIDDEN' });
});

test('a monitor deleted meanwhile is MONITOR_NOT_FOUND to concurrent updates and deletes, never a raw database error', async () => {
  const tenant = (await testDb.db.tenant.create({ data: { name: 'Racing', slug: 'racing' } })).id;
  const version = (await seedReadyVersion(testDb.db, tenant)).id;
  const admin = () => sut(actorOf(tenant, 'TENANT_ADMIN'));
  const monitor = await admin().create({ modelVersionId: version, intervalSeconds: 600 });
  const outcomes = await Promise.allSettled([admin().delete(monitor.id), admin().delete(monitor.id), admin().update({ id: monitor.id, paused: true })]);
  assert.equal(outcomes.slice(0, 2).filter((o) => o.status === 'fulfilled').length, 1, 'one delete wins');
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') assert.equal((outcome.reason as { code?: string }).code, 'MONITOR_NOT_FOUND', String(outcome.reason));
  }
  assert.equal(await testDb.db.monitor.count({ where: { id: monitor.id } }), 0);
});
