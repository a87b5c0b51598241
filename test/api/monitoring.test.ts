/**
 * Continuous monitoring end to end (issue 22): a monitor of a registered endpoint runs ordinary
 * verifications on its schedule, driven here by an injected clock (MonitorScheduler.runDue); a
 * real worker process runs them. The endpoint starts serving a fine-tuned copy: the deployment
 * turns TAMPERED and one alert opens. Two schedulers racing (two replicas) start each run once;
 * sampled runs query fresh subsets; an endpoint that stops answering becomes UNREACHABLE; the
 * fleet report counts it all; other tenants see nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { classifierFromModel, fineTune, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';
import { MonitorScheduler } from '../../src/monitoring/scheduler.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { runCli } from '../support/cli.ts';

const MONITOR_FIELDS = `id mode state stateSince consecutiveErrors nextRunAt lastRunAt lastRunError paused triggerSample intervalSeconds cron jitterSeconds
  endpoint { id name } lastVerification { id verdict }`;
const CREATE = `mutation($input: CreateMonitorInput!) { createMonitor(input: $input) { monitor { ${MONITOR_FIELDS} } userErrors { code message field } } }`;
const UPDATE = `mutation($input: UpdateMonitorInput!) { updateMonitor(input: $input) { monitor { ${MONITOR_FIELDS} } userErrors { code message field } } }`;
const MONITOR = `query($id: ID!) { monitor(id: $id) { ${MONITOR_FIELDS} runs { totalCount edges { node { id verdict triggersQueried } } } alerts { totalCount } } }`;
const ALERTS = `query($open: Boolean) { integrityAlerts(filter: { open: $open }) { totalCount edges { node { id state previousState openedAt acknowledged acknowledgedAt acknowledgedBy note verification { id verdict } monitor { id } } } } }`;
const ACK = `mutation($id: ID!, $note: String) { acknowledgeAlert(input: { id: $id, note: $note }) { alert { id acknowledged acknowledgedBy note } userErrors { code message } } }`;
const RUN = `query($id: ID!) { verification(id: $id) { verdict triggersQueried errorReason attestation { token } } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECOND = 1000;

describe('continuous monitoring', () => {
  let api: TestApi;
  let worker: TestWorker;
  let tenant: { id: string; adminKey: string };
  let operator: string;
  let viewer: string;
  let versionId: string;
  let endpointId: string;
  let server: RunningInferenceServer;
  let monitorId: string;
  let scheduler: MonitorScheduler;
  /** The injected clock's "now" for the next tick. */
  let clock: Date;
  const verdicts: string[] = [];

  /** One tick of the injected clock `ms` later; returns the runs it started, each finished. */
  async function tick(ms: number, sut = scheduler): Promise<Array<{ id: string; verdict: string; triggersQueried: number | null; errorReason: string | null }>> {
    clock = new Date(clock.getTime() + ms);
    const before = new Set((await runs()).map((r) => r.id));
    await sut.runDue(clock);
    const started = (await runs()).filter((r) => !before.has(r.id));
    const done = [];
    for (const run of started) done.push(await finished(run.id));
    return done;
  }
  const runs = async (): Promise<Array<{ id: string }>> => (await api.gql(MONITOR, { id: monitorId }, operator)).data.monitor.runs.edges.map((e: any) => e.node);
  async function finished(id: string) {
    for (let i = 0; i < 600; i++) {
      const v = (await api.gql(RUN, { id }, operator)).data.verification;
      if (v.verdict !== 'PENDING') {
        verdicts.push(v.verdict);
        return { id, ...v };
      }
      await sleep(100);
    }
    throw new Error(`verification ${id} did not finish`);
  }
  const monitor = async () => (await api.gql(MONITOR, { id: monitorId }, operator)).data.monitor;
  const alerts = async (open?: boolean) => (await api.gql(ALERTS, { open }, operator)).data.integrityAlerts;

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS }, { superviseIntervalSeconds: 1 });
    tenant = await createTenant(api, 'Fleet');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR', 'on-call')).secret;
    viewer = (await createKey(api, tenant.adminKey, 'VIEWER')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1], numClasses: 4, seed: 'monitoring' });
    server = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'fleet', classifier: classifierFromModel(model), credential: 'fleet-secret' });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "fleet" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
    const created = (
      await api.gql(
        `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath endpoint { id } } userErrors { code message } } }`,
        { input: { modelId, label: '1', inputDomain: { min: 0, max: 1 }, endpoint: { url: server.url, protocol: 'KSERVE_V2', modelName: 'fleet', credential: 'fleet-secret' } } },
        tenant.adminKey,
      )
    ).data.createModelVersion;
    assert.deepEqual(created.userErrors, []);
    versionId = created.modelVersion.id;
    endpointId = created.modelVersion.endpoint.id;
    await uploadFiles(api, operator, created.modelVersion.uploadPath, await saveModelToFiles(model));
    // The worker's own scheduler ticks once at start and then hourly: this test's clock drives the runs.
    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_MONITOR_TICK_SECONDS: '3600' });
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 32, allowWeak: true }) { job { id } userErrors { code message } } }`, { v: versionId }, operator)).data.startWatermark;
    assert.deepEqual(started.userErrors, []);
    for (let i = 0; ; i++) {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.job.id }, operator)).data.job;
      if (job.status === 'SUCCEEDED') break;
      assert.ok(!['FAILED', 'CANCELLED'].includes(job.status) && i < 1800, JSON.stringify(job));
      await sleep(100);
    }
    scheduler = new MonitorScheduler({ db: api.database.db, queue: api.queue, vault: api.vault, logger: createLogger('warn', {}, () => {}), random: () => 0 });
    // The fine-tuned copy the deployment will start serving (strong enough to flip triggers).
    const xs = tf.randomUniform([64, 8, 8, 1], 0, 1, 'float32', 7);
    const ys = tf.randomUniform([64], 0, 4, 'int32', 8) as tf.Tensor1D;
    finetuned = classifierFromModel((await fineTune(model, { data: { xs, ys }, steps: 10, batchSize: 16, learningRate: 0.05, seed: 'monitoring-ft' })).model);
    tf.dispose([xs, ys]);
  });
  let finetuned: ReturnType<typeof classifierFromModel>;
  after(async () => {
    if (worker) await stopTestWorker(worker);
    await server?.close();
    await api?.close();
  });

  test('creating a monitor: TENANT_ADMIN only, validated, one per endpoint; it is due at once', async () => {
    const input = { endpointId, intervalSeconds: 60, jitterSeconds: 10 };
    const denied = await api.gql(CREATE, { input }, operator);
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(denied));
    const bad = (await api.gql(CREATE, { input: { endpointId, intervalSeconds: 30 } }, tenant.adminKey)).data.createMonitor;
    assert.deepEqual(bad.userErrors.map((e: any) => [e.code, e.field.join('.')]), [['INVALID_MONITOR_INPUT', 'input.intervalSeconds']]);
    const both = (await api.gql(CREATE, { input: { endpointId, modelVersionId: versionId, intervalSeconds: 60 } }, tenant.adminKey)).data.createMonitor;
    assert.match(both.userErrors[0].message, /not both/);
    const before = Date.now();
    const created = (await api.gql(CREATE, { input }, tenant.adminKey)).data.createMonitor;
    assert.deepEqual(created.userErrors, []);
    const m = created.monitor;
    assert.deepEqual([m.mode, m.state, m.paused, m.intervalSeconds, m.jitterSeconds, m.endpoint.id], ['ENDPOINT', 'UNKNOWN', false, 60, 10, endpointId]);
    assert.ok(new Date(m.nextRunAt).getTime() >= before - SECOND && new Date(m.nextRunAt).getTime() <= Date.now() + 10 * SECOND);
    monitorId = m.id;
    clock = new Date(new Date(m.nextRunAt).getTime() - 1);
    const again = (await api.gql(CREATE, { input }, tenant.adminKey)).data.createMonitor;
    assert.equal(again.userErrors[0].code, 'MONITOR_EXISTS');
    assert.equal(await api.database.db.auditEvent.count({ where: { tenantId: tenant.id, action: 'monitor.create', recordId: monitorId } }), 1);
  });

  test('a run starts only when due, once; the first INTACT makes the deployment HEALTHY without an alert', async () => {
    assert.deepEqual(await tick(0), [], 'not due a millisecond early');
    const [first, ...more] = await tick(1);
    assert.equal(more.length, 0);
    assert.equal(first!.verdict, 'INTACT', first!.errorReason ?? '');
    assert.equal(first!.triggersQueried, 32);
    assert.deepEqual(await tick(0), [], 'the same slot does not run twice');
    const m = await monitor();
    assert.equal(m.state, 'HEALTHY');
    assert.equal(m.lastVerification.id, first!.id);
    // The next slot is on the grid, 60 s after the first slot: the first run's jitter (0-10 s, drawn
    // by the server at creation) is not carried over (this scheduler draws 0).
    const gap = new Date(m.nextRunAt).getTime() - clock.getTime();
    assert.ok(gap > 49 * SECOND && gap <= 60 * SECOND, `${gap} ms`);
    assert.equal((await alerts()).totalCount, 0);
  });

  test('the endpoint starts serving a fine-tuned model: the next run is TAMPERED, the state TAMPERED, one alert opens', async () => {
    await server.serve(finetuned);
    assert.deepEqual(await tick(30 * SECOND), [], 'not due yet');
    const [run] = await tick(30 * SECOND);
    assert.equal(run!.verdict, 'TAMPERED');
    const m = await monitor();
    assert.equal(m.state, 'TAMPERED');
    assert.equal(new Date(m.stateSince) > new Date(0), true);
    const open = await alerts(true);
    assert.equal(open.totalCount, 1);
    const alert = open.edges[0].node;
    assert.deepEqual([alert.state, alert.previousState, alert.acknowledged, alert.verification.id, alert.monitor.id], ['TAMPERED', 'HEALTHY', false, run!.id, monitorId]);
    // Still TAMPERED on the next run: no second alert.
    const [next] = await tick(60 * SECOND);
    assert.equal(next!.verdict, 'TAMPERED');
    assert.equal((await alerts()).totalCount, 1);
  });

  test('an alert is acknowledged by an operator (not a viewer), with who and when; again changes nothing', async () => {
    const [alert] = (await alerts(true)).edges.map((e: any) => e.node);
    const denied = await api.gql(ACK, { id: alert.id }, viewer);
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const acked = (await api.gql(ACK, { id: alert.id, note: 'rolled back to 1' }, operator)).data.acknowledgeAlert;
    assert.deepEqual(acked.userErrors, []);
    assert.deepEqual([acked.alert.acknowledged, acked.alert.acknowledgedBy, acked.alert.note], [true, 'on-call', 'rolled back to 1']);
    const twice = (await api.gql(ACK, { id: alert.id, note: 'other' }, operator)).data.acknowledgeAlert;
    assert.equal(twice.alert.note, 'rolled back to 1');
    assert.equal((await alerts(true)).totalCount, 0);
    assert.equal(await api.database.db.auditEvent.count({ where: { tenantId: tenant.id, action: 'alert.acknowledge' } }), 1);
  });

  test('two replicas ticking at the same instant start the due run once', async () => {
    const replica = new MonitorScheduler({ db: api.database.db, queue: api.queue, vault: api.vault, logger: createLogger('warn', {}, () => {}), random: () => 0 });
    clock = new Date(clock.getTime() + 60 * SECOND);
    const before = (await runs()).length;
    const results = await Promise.all([scheduler.runDue(clock), replica.runDue(clock), scheduler.runDue(clock), replica.runDue(clock)]);
    assert.equal(results.reduce((n, r) => n + r.started, 0), 1, JSON.stringify(results));
    const after = await runs();
    assert.equal(after.length, before + 1);
    await finished(after[0]!.id);
  });

  test('a sampled monitor queries a fresh random subset each run, and says so in the attestation', async () => {
    const updated = (await api.gql(UPDATE, { input: { id: monitorId, triggerSample: 8 } }, tenant.adminKey)).data.updateMonitor;
    assert.deepEqual(updated.userErrors, []);
    assert.equal(updated.monitor.triggerSample, 8);
    const tooSmall = (await api.gql(UPDATE, { input: { id: monitorId, triggerSample: 3 } }, tenant.adminKey)).data.updateMonitor;
    assert.match(tooSmall.userErrors[0].message, /triggerSample must be a whole number from 8/);
    await server.serve(classifierFromModel(buildTinyClassifier({ inputShape: [8, 8, 1], numClasses: 4, seed: 'monitoring' })));
    const [a] = await tick(60 * SECOND);
    const [b] = await tick(60 * SECOND);
    for (const run of [a!, b!]) {
      assert.equal(run.verdict, 'INTACT', run.errorReason ?? '');
      assert.equal(run.triggersQueried, 8);
      const claims = JSON.parse(Buffer.from((await api.gql(RUN, { id: run.id }, operator)).data.verification.attestation.token.split('.')[1], 'base64url').toString());
      assert.equal(claims.fragmark.verification.triggersQueried, 8);
    }
    const [sa, sb] = await Promise.all([a!, b!].map(async (r) => (await api.database.db.verification.findUniqueOrThrow({ where: { id: r.id } })).sampledIndices));
    assert.ok(sa && sb);
    assert.equal(sa.length, 8);
    assert.notDeepEqual(sa, sb, 'two runs draw different samples');
    // Back to HEALTHY: a change, so an alert (TAMPERED -> HEALTHY).
    assert.equal((await monitor()).state, 'HEALTHY');
    assert.equal((await alerts(true)).edges[0].node.previousState, 'TAMPERED');
  });

  test('an endpoint that stops answering is UNREACHABLE after two ERRORs in a row', async () => {
    const port = new URL(server.url).port;
    await server.close();
    const [first] = await tick(60 * SECOND);
    assert.equal(first!.verdict, 'ERROR');
    let m = await monitor();
    assert.deepEqual([m.state, m.consecutiveErrors], ['HEALTHY', 1]);
    const [second] = await tick(60 * SECOND);
    assert.equal(second!.verdict, 'ERROR');
    m = await monitor();
    assert.deepEqual([m.state, m.consecutiveErrors], ['UNREACHABLE', 2]);
    const open = (await alerts(true)).edges.map((e: any) => e.node.state);
    assert.ok(open.includes('UNREACHABLE'), `${open} (port ${port})`);
  });

  test('a paused monitor starts nothing; resumed, it runs from now without replaying missed runs', async () => {
    await api.gql(UPDATE, { input: { id: monitorId, paused: true } }, tenant.adminKey);
    assert.deepEqual(await tick(10 * 60 * SECOND), []);
    // Resumed "now" on the server's clock: due at once for the real clock, so at our later clock too.
    const resumed = (await api.gql(UPDATE, { input: { id: monitorId, paused: false } }, tenant.adminKey)).data.updateMonitor.monitor;
    assert.equal(resumed.paused, false);
    clock = new Date(Math.max(clock.getTime(), new Date(resumed.nextRunAt).getTime()));
    const runsNow = await tick(0);
    assert.equal(runsNow.length, 1, 'one run, not one per missed slot');
  });

  test('the fleet report counts checks and verdicts, the HEALTHY share and open alerts, with attestations as evidence', async () => {
    const report = (
      await api.gql(
        `query($since: DateTime!, $until: DateTime!) { fleetReport(since: $since, until: $until) { rows { monitor { id } checks intact tampered errors healthyShare openAlerts evidence { verificationId verdict attestationId } } } }`,
        { since: new Date(Date.now() - 3_600_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString() },
        viewer,
      )
    ).data.fleetReport;
    const [row] = report.rows;
    const count = (v: string) => verdicts.filter((x) => x === v).length;
    assert.deepEqual([row.monitor.id, row.checks, row.intact, row.tampered, row.errors], [monitorId, verdicts.length, count('INTACT'), count('TAMPERED'), count('ERROR')]);
    assert.ok(row.healthyShare > 0 && row.healthyShare < 1, String(row.healthyShare));
    assert.equal(row.openAlerts, (await alerts(true)).totalCount);
    assert.equal(row.evidence.length, verdicts.length);
    assert.ok(row.evidence.every((e: any) => (e.verdict === 'ERROR') === (e.attestationId === null)));
    const tooLong = await api.gql(`query { fleetReport(since: "2020-01-01T00:00:00Z") { rows { checks } } }`, {}, viewer);
    assert.match(tooLong.errors?.[0]?.message ?? '', /at most 366 days/);
  });

  test('another tenant sees no monitor or alert and cannot act on them', async () => {
    const other = await createTenant(api, 'Other fleet');
    assert.equal((await api.gql(`query { monitors { totalCount } integrityAlerts { totalCount } }`, {}, other.adminKey)).data.monitors.totalCount, 0);
    assert.equal((await api.gql(MONITOR, { id: monitorId }, other.adminKey)).data.monitor, null);
    const [alert] = (await alerts()).edges.map((e: any) => e.node);
    const ack = (await api.gql(ACK, { id: alert.id }, other.adminKey)).data.acknowledgeAlert;
    assert.equal(ack.userErrors[0].code, 'ALERT_NOT_FOUND');
    const update = (await api.gql(UPDATE, { input: { id: monitorId, paused: true } }, other.adminKey)).data.updateMonitor;
    assert.equal(update.userErrors[0].code, 'MONITOR_NOT_FOUND');
    const create = (await api.gql(CREATE, { input: { endpointId, intervalSeconds: 60 } }, other.adminKey)).data.createMonitor;
    assert.equal(create.userErrors[0].code, 'INVALID_MONITOR_INPUT');
  });
  test('real workers tick on their own: two replicas start an ARTIFACT monitor\'s due run once, and a killed one loses nothing', async () => {
    await api.gql(UPDATE, { input: { id: monitorId, paused: true } }, tenant.adminKey);
    const replicas = [
      await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_MONITOR_TICK_SECONDS: '1' }),
      await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_MONITOR_TICK_SECONDS: '1' }),
    ];
    try {
      const created = (await api.gql(CREATE, { input: { modelVersionId: versionId, intervalSeconds: 60 } }, tenant.adminKey)).data.createMonitor;
      assert.deepEqual(created.userErrors, []);
      const artifactMonitor = created.monitor.id as string;
      const state = async () => (await api.gql(MONITOR, { id: artifactMonitor }, operator)).data.monitor;
      let m = await state();
      for (let i = 0; i < 300 && m.state === 'UNKNOWN'; i++) {
        await sleep(100);
        m = await state();
      }
      assert.deepEqual([m.mode, m.state, m.runs.totalCount], ['ARTIFACT', 'HEALTHY', 1]);
      // A replica dies; the next slot still runs once, on the survivor (checked with the schedule
      // re-anchored at now, so the slot after it is a whole interval away).
      await stopTestWorker(replicas[0]!, 'SIGKILL');
      const now = new Date();
      await api.database.db.monitor.update({ where: { id: artifactMonitor }, data: { anchorAt: now, nextRunAt: now } });
      for (let i = 0; i < 300 && m.runs.totalCount < 2; i++) {
        await sleep(100);
        m = await state();
      }
      await sleep(2500); // two more ticks of the survivor: nothing else is due
      m = await state();
      assert.equal(m.runs.totalCount, 2);
      assert.ok(new Date(m.nextRunAt).getTime() > Date.now() + 50 * SECOND);
    } finally {
      for (const replica of replicas) await stopTestWorker(replica);
    }
  });
  test('the command line: monitors create/list/pause, alerts, report', async () => {
    const registered = (
      await api.gql(
        `mutation($input: RegisterEndpointInput!) { registerEndpoint(input: $input) { endpoint { id } userErrors { code message } } }`,
        { input: { modelVersionId: versionId, name: 'canary', endpoint: { url: 'http://127.0.0.1:9/', protocol: 'KSERVE_V2', modelName: 'fleet' } } },
        tenant.adminKey,
      )
    ).data.registerEndpoint;
    assert.deepEqual(registered.userErrors, []);
    const cli = (args: string[], key = tenant.adminKey) => runCli(args, { FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key });
    const bad = await cli(['monitors', 'create', '--endpoint-id', registered.endpoint.id, '--every', '10 minutes']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout + bad.stderr, /--every must be a number followed by s, m, h or d/);
    const created = await cli(['monitors', 'create', '--endpoint-id', registered.endpoint.id, '--cron', '*/15 * * * *', '--jitter', '1m', '--sample', '8', '--paused', '--json']);
    assert.equal(created.code, 0, created.stdout + created.stderr);
    const monitor = JSON.parse(created.stdout).monitor;
    assert.deepEqual([monitor.cron, monitor.jitterSeconds, monitor.triggerSample, monitor.paused, monitor.endpoint.name], ['*/15 * * * *', 60, 8, true, 'canary']);
    const listed = await cli(['monitors', 'list', '--state', 'unknown'], operator);
    assert.equal(listed.code, 0, listed.stdout + listed.stderr);
    assert.match(listed.stderr, new RegExp(`${monitor.id}  UNKNOWN .*fleet 1 at canary \\(http://127\\.0\\.0\\.1:9/\\), cron "\\*/15 \\* \\* \\* \\*" \\(UTC\\) \\+ up to 60 s, 8 triggers a run, paused`));
    const resumed = await cli(['monitors', 'resume', monitor.id, '--json']);
    assert.equal(JSON.parse(resumed.stdout).monitor.paused, false);
    const alertsOut = await cli(['alerts', '--all', '--json'], operator);
    assert.equal(JSON.parse(alertsOut.stdout).totalCount, (await alerts()).totalCount);
    const reportOut = await cli(['report', '--since', '1d'], viewer);
    assert.equal(reportOut.code, 0, reportOut.stdout + reportOut.stderr);
    assert.match(reportOut.stderr, /^Fleet report /);
    assert.match(reportOut.stderr, /UNREACHABLE +\d+ .*fleet 1 at default \(http:\/\/127\.0\.0\.1:\d+\/\)/);
    assert.match(reportOut.stderr, /fleet 1 \(registered artifact\)/);
    const json = JSON.parse((await cli(['report', '--since', '1d', '--json'], viewer)).stdout);
    assert.equal(json.report.rows.length, 3);
  });
});
