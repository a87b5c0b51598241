/**
 * Signed webhooks end to end (issue 22, part 3): real API, PostgreSQL, a real worker process and
 * real HTTP receivers on 127.0.0.1 (allowed by FRAGMARK_EGRESS_ALLOW, as the tests' inference
 * servers are). Every delivery a receiver gets is checked by an independent implementation of
 * the Standard Webhooks specification, the `standardwebhooks` package. Retries run on a short
 * schedule here (1 s base, 3 attempts); the schedule itself is unit-tested (retry-schedule.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { findFreePort } from '../support/ports.ts';
import { waitFor } from '../support/wait-for.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { runningJob } from '../../src/jobs/job-runtime.ts';
import { EgressPolicy } from '../../src/endpoints/egress-policy.ts';
import { runWebhookDeliveryJob } from '../../src/webhooks/webhook-delivery-job.ts';

const WEBHOOK_SETTINGS = { FRAGMARK_WEBHOOK_RETRY_BASE_SECONDS: '1', FRAGMARK_WEBHOOK_MAX_ATTEMPTS: '3', FRAGMARK_WEBHOOK_TIMEOUT_MS: '2000' };
const SUBSCRIPTION = 'id url description eventTypes enabled disabledReason deletedAt secrets { version expiresAt }';
const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { ${SUBSCRIPTION} } secret userErrors { code message field } } }`;
const UPDATE = `mutation($input: UpdateWebhookSubscriptionInput!) { updateWebhookSubscription(input: $input) { subscription { ${SUBSCRIPTION} } userErrors { code message field } } }`;
const ROTATE = `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { subscription { ${SUBSCRIPTION} } secret previousSecretExpiresAt userErrors { code message field } } }`;
const DELETE = `mutation($input: WebhookSubscriptionIdInput!) { deleteWebhookSubscription(input: $input) { subscription { ${SUBSCRIPTION} } userErrors { code message field } } }`;
const TEST = `mutation($input: WebhookSubscriptionIdInput!) { testWebhookSubscription(input: $input) { delivery { id webhookId status } userErrors { code message field } } }`;
const DELIVERY = 'id webhookId eventType payload status attemptCount nextAttemptAt completedAt attempts { number startedAt durationMs statusCode error responseSnippet }';
const DELIVERIES = `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 20) { totalCount edges { node { ${DELIVERY} } } } }`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** An HTTP receiver that records every request and answers what `answer` says for the n-th (0-based). */
async function startReceiver(answer: (n: number) => { status: number; body?: string } = () => ({ status: 204 })) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = answer(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/fragmark`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The standardwebhooks package's verification of one received request: the payload, or it throws. */
function verifyIndependently(secret: string, request: Received): any {
  const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
  return new Webhook(secret).verify(request.body, headers);
}

describe('signed webhooks', () => {
  let api: TestApi;
  let worker: TestWorker | undefined;
  let tenant: { id: string; adminKey: string };
  let other: { id: string; adminKey: string };
  let operator: string;
  let viewer: string;
  let watermarked: Promise<string> | undefined;
  const receivers: Array<{ close(): Promise<void> }> = [];
  /** Every secret this file saw: none may appear anywhere but in the create/rotate answers. */
  const secrets: string[] = [];

  async function create(input: Record<string, unknown>, key = tenant.adminKey): Promise<{ subscription: any; secret: string }> {
    const result = await api.gql(CREATE, { input }, key);
    const payload = result.data?.createWebhookSubscription;
    assert.deepEqual(payload?.userErrors, [], JSON.stringify(result));
    secrets.push(payload.secret);
    return payload;
  }
  async function deliveries(subscriptionId: string, key = tenant.adminKey): Promise<any[]> {
    const result = await api.gql(DELIVERIES, { id: subscriptionId }, key);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data.webhookDeliveries.edges.map((e: any) => e.node);
  }
  async function settled(subscriptionId: string, deliveryId: string): Promise<any> {
    return waitFor(async () => (await deliveries(subscriptionId)).find((d) => d.id === deliveryId && d.status !== 'PENDING'), `delivery ${deliveryId} to end`, 30_000);
  }
  async function testDelivery(subscriptionId: string, key = operator): Promise<any> {
    const result = await api.gql(TEST, { input: { id: subscriptionId } }, key);
    assert.deepEqual(result.data.testWebhookSubscription.userErrors, [], JSON.stringify(result));
    return result.data.testWebhookSubscription.delivery;
  }
  async function receiver(answer?: (n: number) => { status: number; body?: string }) {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  }
  /** A READY watermarked version, made by the worker while the tests before the verification run. */
  async function watermarkedVersion(): Promise<string> {
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "digits" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
    const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, operator)).data.createModelVersion.modelVersion;
    assert.equal((await uploadFiles(api, operator, version.uploadPath, await saveModelToFiles(model))).status, 200);
    const started = await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY", allowWeak: true }) { job { id } } }`, { v: version.id }, operator);
    await waitFor(async () => {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.data.startWatermark.job.id }, operator)).data.job;
      if (job.status === 'FAILED') throw new Error(job.error);
      return job.status === 'SUCCEEDED' ? true : undefined;
    }, 'the watermark');
    return version.id;
  }
  async function ensureWorker(): Promise<void> {
    worker ??= await startTestWorker(api, { ...LOCAL_ENDPOINTS, ...WEBHOOK_SETTINGS, FRAGMARK_LOG_LEVEL: 'debug' });
    if (!watermarked) {
      watermarked = watermarkedVersion();
      watermarked.catch(() => {}); // awaited (and reported) by the verification test
    }
  }

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS, ...WEBHOOK_SETTINGS }, { superviseIntervalSeconds: 1 });
    tenant = await createTenant(api, 'Hooks');
    other = await createTenant(api, 'Other');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    viewer = (await createKey(api, tenant.adminKey, 'VIEWER')).secret;
  });
  after(async () => {
    for (const r of receivers) await r.close();
    if (worker) await stopTestWorker(worker);
    await api.close();
  });

  test('a refused address is refused at creation; a host name that resolves to one is refused at delivery, as a failed attempt', async () => {
    for (const url of ['http://10.0.0.1/hook', 'http://127.0.0.2:8080/hook', 'http://[::ffff:169.254.169.254]/latest', 'http://2130706434/']) {
      const result = await api.gql(CREATE, { input: { url, eventTypes: ['verification.completed'] } }, tenant.adminKey);
      assert.equal(result.data.createWebhookSubscription.userErrors[0]?.code, 'WEBHOOK_URL_FORBIDDEN', url);
      assert.equal(result.data.createWebhookSubscription.secret, null);
    }
    assert.equal(await api.database.db.webhookSubscription.count(), 0, 'nothing stored');
    assert.equal(await api.database.db.vaultSecret.count({ where: { purpose: 'webhook-secret' } }), 0, 'no secret sealed');

    // The name is fine when created; at delivery it resolves to a private address (a rebinding).
    const r = await receiver();
    const port = new URL(r.url).port;
    const { subscription } = await create({ url: `http://hooks.rebind.test:${port}/hook`, eventTypes: ['verification.completed'] });
    const queued = await testDelivery(subscription.id);
    const { jobId } = await api.database.db.webhookDelivery.findUniqueOrThrow({ where: { id: queued.id } });
    // This process plays the worker (no worker process runs yet), with the policy's test resolver.
    const rebinding = new EgressPolicy({ allow: ['127.0.0.1/32'], resolve: async () => [{ address: '10.9.8.7', family: 4 }] });
    await runWebhookDeliveryJob(
      { db: api.database.db, vault: api.vault, queue: api.queue, logger: createLogger('error', {}, () => {}), workerId: 'test', egress: rebinding, webhooks: { timeoutMs: 2000, maxAttempts: 3, retryBaseSeconds: 1 } },
      runningJob(api.database.db, { id: jobId, retryCount: 0, retryLimit: 2, signal: new AbortController().signal }),
    );
    const [delivery] = await deliveries(subscription.id);
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].statusCode, null);
    assert.match(delivery.attempts[0].error, /Refused by the egress policy, nothing was sent: hooks\.rebind\.test resolves to no address the egress policy allows/);
    assert.equal(delivery.status, 'PENDING', 'retried later, in case the name resolves elsewhere again');
    assert.ok(delivery.nextAttemptAt);
    assert.equal(r.received.length, 0, 'nothing reached the receiver');
    // Deleting the subscription cancels the pending retry.
    assert.deepEqual((await api.gql(DELETE, { input: { id: subscription.id } }, tenant.adminKey)).data.deleteWebhookSubscription.userErrors, []);
    assert.equal((await deliveries(subscription.id))[0].status, 'CANCELLED');
    assert.equal(await api.database.db.vaultSecret.count({ where: { purpose: 'webhook-secret' } }), 0, 'its secret was destroyed');
  });

  test('a receiver that answers 500 then 200 gets a retry, with the same webhook-id; the log shows both attempts, the secret redacted', async () => {
    await ensureWorker();
    let secret = '';
    const flaky = await receiver((n) => (n === 0 ? { status: 500, body: `broken\u0000today; echo: ${secret}` } : { status: 200, body: 'ok' }));
    const created = await create({ url: flaky.url, eventTypes: ['alert.opened'] });
    secret = created.secret;
    const queued = await testDelivery(created.subscription.id);
    const delivery = await settled(created.subscription.id, queued.id);
    assert.equal(delivery.status, 'DELIVERED');
    assert.deepEqual(delivery.attempts.map((a: any) => [a.number, a.statusCode, a.error]), [[1, 500, 'HTTP 500.'], [2, 200, null]]);
    assert.equal(delivery.attempts[0].responseSnippet, 'broken today; echo: [redacted]');
    assert.equal(delivery.attempts[1].responseSnippet, 'ok');
    assert.equal(flaky.received.length, 2);
    const [first, second] = flaky.received as [Received, Received];
    assert.equal(first.headers['webhook-id'], second.headers['webhook-id']);
    assert.equal(first.body, second.body);
    assert.ok(second.at - first.at >= 750, `the retry waited for the backoff (${second.at - first.at} ms)`);
    assert.equal(verifyIndependently(secret, second).type, 'webhook.test');
    assert.equal(delivery.webhookId, first.headers['webhook-id']);
  });

  test('a receiver that is down gets every attempt, with backoff, and the delivery then FAILED; 410 Gone disables the subscription', async () => {
    await ensureWorker();
    const down = await create({ url: `http://127.0.0.1:${await findFreePort()}/down`, eventTypes: ['integrity.changed'] });
    const gone = await receiver(() => ({ status: 410 }));
    const goner = await create({ url: gone.url, eventTypes: ['integrity.changed'] });
    const [toDown, toGone] = [await testDelivery(down.subscription.id), await testDelivery(goner.subscription.id)];
    const failed = await settled(down.subscription.id, toDown.id);
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual(failed.attempts.map((a: any) => [a.number, a.statusCode, a.error]), [1, 2, 3].map((n) => [n, null, 'Unreachable (ECONNREFUSED).']));
    const gaps = failed.attempts.slice(1).map((a: any, i: number) => Date.parse(a.startedAt) - Date.parse(failed.attempts[i].startedAt));
    assert.ok(gaps[0] >= 750 && gaps[1] >= 3000, `exponential backoff between attempts (${gaps.join(', ')} ms)`);

    const ended = await settled(goner.subscription.id, toGone.id);
    assert.deepEqual([ended.status, ended.attempts.length, ended.attempts[0].statusCode], ['FAILED', 1, 410]);
    const subscription = (await api.gql(`query($id: ID!) { webhookSubscription(id: $id) { enabled disabledReason } }`, { id: goner.subscription.id }, viewer)).data.webhookSubscription;
    assert.equal(subscription.enabled, false);
    assert.match(subscription.disabledReason, /410 Gone/);
    assert.equal((await api.gql(TEST, { input: { id: goner.subscription.id } }, operator)).data.testWebhookSubscription.userErrors[0].code, 'WEBHOOK_SUBSCRIPTION_DISABLED');
  });

  test('rotation: both secrets sign for the window, then only the new one; a rotation without window drops the old at once', async () => {
    await ensureWorker();
    const hook = await receiver();
    const created = await create({ url: hook.url, eventTypes: ['verification.completed'] });
    const rotated = (await api.gql(ROTATE, { input: { id: created.subscription.id } }, tenant.adminKey)).data.rotateWebhookSecret;
    assert.deepEqual(rotated.userErrors, []);
    secrets.push(rotated.secret);
    assert.notEqual(rotated.secret, created.secret);
    assert.ok(Math.abs(Date.parse(rotated.previousSecretExpiresAt) - (Date.now() + 24 * 3_600_000)) < 60_000, 'the previous secret signs for 24 hours by default');
    assert.deepEqual(rotated.subscription.secrets.map((s: any) => [s.version, s.expiresAt]), [[2, null], [1, rotated.previousSecretExpiresAt]]);
    await settled(created.subscription.id, (await testDelivery(created.subscription.id)).id);
    const during = hook.received.at(-1)!;
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    assert.equal(verifyIndependently(rotated.secret, during).type, 'webhook.test');
    assert.equal(verifyIndependently(created.secret, during).type, 'webhook.test', 'receivers still on the old secret keep working');

    const again = (await api.gql(ROTATE, { input: { id: created.subscription.id, previousSecretValidHours: 0 } }, tenant.adminKey)).data.rotateWebhookSecret;
    secrets.push(again.secret);
    assert.equal(again.previousSecretExpiresAt, null);
    assert.deepEqual(again.subscription.secrets.map((s: any) => [s.version, s.expiresAt]), [[3, null]], 'older secrets are destroyed');
    await settled(created.subscription.id, (await testDelivery(created.subscription.id)).id);
    const afterwards = hook.received.at(-1)!;
    assert.equal(String(afterwards.headers['webhook-signature']).split(' ').length, 1);
    assert.equal(verifyIndependently(again.secret, afterwards).type, 'webhook.test');
    assert.throws(() => verifyIndependently(rotated.secret, afterwards), /No matching signature/);
    assert.equal(await api.database.db.vaultSecret.count({ where: { purpose: 'webhook-secret', recordId: { in: (await api.database.db.webhookSecret.findMany({ where: { subscriptionId: created.subscription.id } })).map((s) => s.id) } } }), 1);
    const audit = (await api.gql(`{ auditEvents(first: 100) { edges { node { action recordId } } } }`, {}, tenant.adminKey)).data.auditEvents.edges.map((e: any) => e.node);
    assert.deepEqual(
      audit.filter((e: any) => e.recordId === created.subscription.id).map((e: any) => e.action).sort(),
      ['webhook_subscription.create', 'webhook_subscription.rotate_secret', 'webhook_subscription.rotate_secret'],
    );
  });

  test('a verification sends a signed verification.completed that an independent verifier accepts, to subscribers of that type only', async () => {
    await ensureWorker();
    const hook = await receiver();
    const unsubscribed = await receiver();
    const otherTenant = await receiver();
    const { subscription, secret } = await create({ url: hook.url, description: 'CI gate', eventTypes: ['verification.completed'] });
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(subscription.secrets, [{ version: 1, expiresAt: null }]);
    const integrityOnly = await create({ url: unsubscribed.url, eventTypes: ['integrity.changed', 'alert.opened'] });
    const othersHook = await create({ url: otherTenant.url, eventTypes: ['verification.completed'] }, other.adminKey);

    const versionId = await watermarked!;
    const verify = await api.gql(`mutation($v: ID!) { verifyModel(input: { modelVersionId: $v, mode: ARTIFACT }) { verification { id } } }`, { v: versionId }, operator);
    const verificationId = verify.data.verifyModel.verification.id;
    const verification = await waitFor(async () => {
      const v = (await api.gql(`query($id: ID!) { verification(id: $id) { verdict completedAt attestation { jti } } }`, { id: verificationId }, operator)).data.verification;
      return v.verdict === 'PENDING' ? undefined : v;
    }, 'the verdict');
    assert.equal(verification.verdict, 'INTACT');

    const request = await waitFor(async () => hook.received[0], 'the webhook', 30_000);
    assert.equal(request.headers['content-type'], 'application/json');
    const payload = verifyIndependently(secret, request);
    assert.equal(payload.type, 'verification.completed');
    assert.ok(Math.abs(Date.parse(payload.timestamp) - Date.now()) < 60_000, 'timestamp: when it happened, ISO 8601');
    assert.deepEqual(payload.data, {
      verificationId,
      modelVersionId: versionId,
      mode: 'ARTIFACT',
      endpointId: null,
      candidateArtifactId: null,
      monitorId: null,
      verdict: 'INTACT',
      cancelled: false,
      accTri: 1,
      triggersQueried: 10,
      triggersMatched: 10,
      errorReason: null,
      completedAt: verification.completedAt,
      attestationId: verification.attestation.jti,
    });
    assert.throws(() => verifyIndependently(othersHook.secret, request), /No matching signature/);
    assert.throws(() => verifyIndependently(secret, { ...request, body: request.body.replace('INTACT', 'TAMPERED') }), /No matching signature/);

    const [delivery] = await waitFor(async () => {
      const list = await deliveries(subscription.id, viewer);
      return list[0]?.status === 'DELIVERED' ? list : undefined;
    }, 'the delivery log', 30_000);
    assert.equal(delivery.webhookId, request.headers['webhook-id']);
    assert.equal(delivery.payload, request.body);
    assert.deepEqual([delivery.eventType, delivery.attemptCount, delivery.attempts.length, delivery.attempts[0].statusCode, delivery.attempts[0].error], ['verification.completed', 1, 1, 204, null]);
    assert.equal((await deliveries(integrityOnly.subscription.id)).length, 0, 'not subscribed to verification.completed');
    assert.equal((await deliveries(othersHook.subscription.id, other.adminKey)).length, 0, "another tenant's verification is not theirs");
    assert.equal(unsubscribed.received.length + otherTenant.received.length, 0);
  });

  test("another tenant sees and changes nothing of a tenant's webhooks", async () => {
    const hook = await receiver();
    const mine = await create({ url: hook.url, eventTypes: ['verification.completed'] });
    const theirs = other.adminKey;
    const listed = (await api.gql(`{ webhookSubscriptions { id } }`, {}, theirs)).data.webhookSubscriptions.map((s: any) => s.id);
    assert.ok(!listed.includes(mine.subscription.id));
    assert.equal((await api.gql(`query($id: ID!) { webhookSubscription(id: $id) { id } }`, { id: mine.subscription.id }, theirs)).data.webhookSubscription, null);
    const log = await api.gql(DELIVERIES, { id: mine.subscription.id }, theirs);
    assert.equal(log.errors?.[0]?.extensions?.reason, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
    for (const [mutation, name, input] of [
      [UPDATE, 'updateWebhookSubscription', { id: mine.subscription.id, url: 'https://attacker.example/' }],
      [ROTATE, 'rotateWebhookSecret', { id: mine.subscription.id }],
      [DELETE, 'deleteWebhookSubscription', { id: mine.subscription.id }],
      [TEST, 'testWebhookSubscription', { id: mine.subscription.id }],
    ] as const) {
      const result = await api.gql(mutation, { input }, theirs);
      assert.equal(result.data[name].userErrors[0]?.code, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND', name);
    }
    const unchanged = (await api.gql(`query($id: ID!) { webhookSubscription(id: $id) { ${SUBSCRIPTION} } }`, { id: mine.subscription.id }, viewer)).data.webhookSubscription;
    assert.deepEqual(unchanged, mine.subscription);
  });

  test('roles and input limits are checked before anything is stored', async () => {
    const input = { url: 'https://hooks.example.com/fragmark', eventTypes: ['verification.completed'] };
    assert.equal((await api.gql(CREATE, { input }, viewer)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await api.gql(CREATE, { input }, operator)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.ok(Array.isArray((await api.gql(`{ webhookSubscriptions { id } }`, {}, viewer)).data.webhookSubscriptions), 'viewers read');
    const before = await api.database.db.webhookSubscription.count();
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 'url'],
      [{ url: 'ftp://hooks.example.com/' }, 'url'],
      [{ url: 'https://user:pw@hooks.example.com/' }, 'url'],
      [{ url: 'https://hooks.example.com/?token=abc' }, 'url'],
      [{ description: 'x'.repeat(501) }, 'description'],
      [{ eventTypes: [] }, 'eventTypes'],
      [{ eventTypes: ['verification.completed', 'model.deleted'] }, 'eventTypes'],
      [{ eventTypes: Array.from({ length: 50 }, () => 'verification.completed') }, 'eventTypes'],
    ];
    for (const [change, field] of refusals) {
      const result = await api.gql(CREATE, { input: { ...input, ...change } }, tenant.adminKey);
      const [error] = result.data.createWebhookSubscription.userErrors;
      assert.deepEqual([error?.code, error?.field], ['INVALID_WEBHOOK_INPUT', ['input', field]], JSON.stringify(change).slice(0, 80));
    }
    const rotate = await api.gql(ROTATE, { input: { id: (await create(input)).subscription.id, previousSecretValidHours: 169 } }, tenant.adminKey);
    assert.equal(rotate.data.rotateWebhookSecret.userErrors[0].code, 'INVALID_WEBHOOK_INPUT');
    assert.equal(await api.database.db.webhookSubscription.count(), before + 1, 'only the valid one was stored');

    // Twenty per tenant (deleted ones do not count).
    const fresh = await createTenant(api, 'Many hooks');
    for (let i = 0; i < 20; i++) await create({ ...input, description: `hook ${i}` }, fresh.adminKey);
    const over = await api.gql(CREATE, { input }, fresh.adminKey);
    assert.equal(over.data.createWebhookSubscription.userErrors[0].code, 'WEBHOOK_SUBSCRIPTION_LIMIT');
    const first = (await api.gql(`{ webhookSubscriptions { id } }`, {}, fresh.adminKey)).data.webhookSubscriptions[0].id;
    await api.gql(DELETE, { input: { id: first } }, fresh.adminKey);
    await create(input, fresh.adminKey);
  });

  test('no secret appears in logs, job payloads, job errors, the delivery log or the audit trail', async () => {
    assert.ok(secrets.length >= 8);
    const forms = secrets.flatMap((s) => [s, s.slice('whsec_'.length), Buffer.from(s.slice('whsec_'.length), 'base64').toString('hex')]);
    const db = api.database.db;
    const places: Array<[string, string]> = [
      ['API log', api.logs.join('\n')],
      ['worker log', worker!.output()],
      ['pg-boss jobs', JSON.stringify(await db.$queryRawUnsafe(`SELECT data::text AS data, output::text AS output FROM pgboss.job`))],
      ['Job rows', JSON.stringify(await db.job.findMany({ where: { kind: 'WEBHOOK' } }))],
      ['attempts', JSON.stringify(await db.webhookAttempt.findMany())],
      ['deliveries and events', JSON.stringify(await db.webhookDelivery.findMany({ include: { event: true } }))],
      ['subscriptions', JSON.stringify(await db.webhookSubscription.findMany({ include: { secrets: true } }))],
      ['audit trail', JSON.stringify(await db.auditEvent.findMany())],
    ];
    assert.ok(worker!.output().includes('webhook attempt recorded'), 'the worker logged its attempts');
    assert.ok((await db.job.count({ where: { kind: 'WEBHOOK' } })) >= 8);
    for (const [place, text] of places) {
      for (const form of forms) assert.ok(!text.includes(form), `a secret appears in the ${place}`);
    }
  });
});
