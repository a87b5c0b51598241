/**
 * Monitoring's webhooks end to end: a monitored deployment that starts serving another model
 * turns TAMPERED, and its subscriber gets one signed `integrity.changed` and one `alert.opened`
 * (after the first `integrity.changed`, UNKNOWN to HEALTHY, which opens no alert), each accepted by
 * an independent verifier (the `standardwebhooks` package). Real API, PostgreSQL, worker process,
 * inference server and receiver; the monitor is paused and checks are started by hand (a check of
 * the monitored endpoint counts for its monitor), so no schedule is involved.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { waitFor } from '../support/wait-for.ts';
import { classifierFromModel, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';

describe('webhooks of continuous monitoring', () => {
  let api: TestApi;
  let worker: TestWorker;
  let server: RunningInferenceServer;
  let operator: string;
  let versionId: string;
  let endpointId: string;
  let monitorId: string;
  let secret: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });

  /** The payloads received so far, each verified by the standardwebhooks package. */
  const verified = () =>
    received.map(({ headers, body }) =>
      new Webhook(secret).verify(body, { 'webhook-id': String(headers['webhook-id']), 'webhook-timestamp': String(headers['webhook-timestamp']), 'webhook-signature': String(headers['webhook-signature']) }),
    ) as any[];

  async function check(): Promise<{ id: string; verdict: string }> {
    const started = await api.gql(`mutation($v: ID!, $e: ID!) { verifyModel(input: { modelVersionId: $v, mode: ENDPOINT, endpointId: $e }) { verification { id } userErrors { code message } } }`, { v: versionId, e: endpointId }, operator);
    assert.deepEqual(started.data.verifyModel.userErrors, []);
    const id = started.data.verifyModel.verification.id;
    return waitFor(async () => {
      const v = (await api.gql(`query($id: ID!) { verification(id: $id) { id verdict } }`, { id }, operator)).data.verification;
      return v.verdict === 'PENDING' ? undefined : v;
    }, 'the check');
  }

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS }, { superviseIntervalSeconds: 1 });
    const tenant = await createTenant(api, 'Fleet hooks');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const created = await api.gql(
      `mutation($url: String!) { createWebhookSubscription(input: { url: $url, eventTypes: ["integrity.changed", "alert.opened"] }) { secret userErrors { code message } } }`,
      { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fleet` },
      tenant.adminKey,
    );
    secret = created.data.createWebhookSubscription.secret;

    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1], numClasses: 4, seed: 'hooks' });
    server = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'fleet', classifier: classifierFromModel(model) });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "fleet" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
    const version = (
      await api.gql(
        `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath endpoint { id } } userErrors { code message } } }`,
        { input: { modelId, label: '1', endpoint: { url: server.url, protocol: 'KSERVE_V2', modelName: 'fleet' } } },
        tenant.adminKey,
      )
    ).data.createModelVersion.modelVersion;
    versionId = version.id;
    endpointId = version.endpoint.id;
    assert.equal((await uploadFiles(api, operator, version.uploadPath, await saveModelToFiles(model))).status, 200);
    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_MONITOR_TICK_SECONDS: '3600' });
    const monitor = await api.gql(`mutation($e: ID!) { createMonitor(input: { endpointId: $e, intervalSeconds: 3600, paused: true }) { monitor { id } userErrors { code message } } }`, { e: endpointId }, tenant.adminKey);
    assert.deepEqual(monitor.data.createMonitor.userErrors, []);
    monitorId = monitor.data.createMonitor.monitor.id;
    const started = await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY", allowWeak: true }) { job { id } } }`, { v: versionId }, operator);
    await waitFor(async () => {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.data.startWatermark.job.id }, operator)).data.job;
      if (job.status === 'FAILED') throw new Error(job.error);
      return job.status === 'SUCCEEDED' ? true : undefined;
    }, 'the watermark');
  });
  after(async () => {
    if (worker) await stopTestWorker(worker);
    await server?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await api?.close();
  });

  test('HEALTHY, then TAMPERED: one integrity.changed each, and one alert.opened, signed', async () => {
    const healthy = await check();
    assert.equal(healthy.verdict, 'INTACT');
    const [first] = await waitFor(async () => (received.length >= 1 ? verified() : undefined), 'integrity.changed to HEALTHY', 30_000);
    assert.equal(first.type, 'integrity.changed');
    assert.deepEqual(first.data, { monitorId, endpointId, modelVersionId: versionId, from: 'UNKNOWN', to: 'HEALTHY', verificationId: healthy.id, changedAt: first.data.changedAt });

    await server.serve(classifierFromModel(buildTinyClassifier({ inputShape: [8, 8, 1], numClasses: 4, seed: 'someone else' })));
    const tampered = await check();
    assert.equal(tampered.verdict, 'TAMPERED');
    const events = await waitFor(async () => (received.length >= 3 ? verified() : undefined), 'integrity.changed and alert.opened', 30_000);
    const changed = events.find((e) => e.type === 'integrity.changed' && e.data.to === 'TAMPERED');
    const opened = events.find((e) => e.type === 'alert.opened');
    assert.deepEqual(changed?.data, { monitorId, endpointId, modelVersionId: versionId, from: 'HEALTHY', to: 'TAMPERED', verificationId: tampered.id, changedAt: changed?.data.changedAt });
    const alerts = (await api.gql(`{ integrityAlerts { edges { node { id state openedAt } } } }`, {}, operator)).data.integrityAlerts.edges.map((e: any) => e.node);
    assert.equal(alerts.length, 1);
    assert.deepEqual(opened?.data, { alertId: alerts[0].id, monitorId, endpointId, modelVersionId: versionId, state: 'TAMPERED', verificationId: tampered.id, openedAt: alerts[0].openedAt });

    // An unchanged state raises nothing: one more TAMPERED check, no new delivery.
    assert.equal((await check()).verdict, 'TAMPERED');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(received.length, 3, JSON.stringify(events.map((e) => e.type)));
  });
});
