import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { actorOf, startServiceFixture, type ServiceFixture } from '../../test/support/service-fixture.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import type { Actor } from '../auth/actor.ts';
import { EgressPolicy } from '../endpoints/egress-policy.ts';
import { parseWebhookSecret } from './webhook-signature.ts';
import { MAX_SUBSCRIPTIONS_PER_TENANT } from './webhook-input.ts';
import { WebhookSubscriptionsService, type CreateWebhookSubscriptionInput } from './webhook-subscriptions.service.ts';
import { WebhooksRepository } from './webhooks.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let f: ServiceFixture;
let tenantA: string;
let tenantB: string;
const sut = (actor: Actor | null) => new WebhookSubscriptionsService(actor ? new WebhooksRepository(scopeToTenant(f.db, actor.tenantId)) : null, f.vault, f.queue, actor, new EgressPolicy());
const adminA = () => sut(actorOf(tenantA, 'TENANT_ADMIN'));
const HOOK: CreateWebhookSubscriptionInput = { url: 'https://hooks.example.com/fragmark?route=a', eventTypes: ['alert.opened', 'verification.completed'] };

before(async () => {
  f = await startServiceFixture();
  tenantA = await f.tenant('a');
  tenantB = await f.tenant('b');
});
after(() => f.stop());

const vaultSecrets = (subscriptionId: string) =>
  f.db.webhookSecret.findMany({ where: { subscriptionId } }).then((rows) => f.db.vaultSecret.count({ where: { purpose: 'webhook-secret', recordId: { in: rows.map((r) => r.id) } } }));
/** Sealed webhook keys whose WebhookSecret row is gone (a destroyed secret must leave none). */
const orphanedSeals = async () => f.db.vaultSecret.count({ where: { purpose: 'webhook-secret', recordId: { notIn: (await f.db.webhookSecret.findMany({ select: { id: true } })).map((s) => s.id) } } });
const stored = async () => ({ subscriptions: await f.db.webhookSubscription.count(), secrets: await f.db.webhookSecret.count(), sealed: await f.db.vaultSecret.count({ where: { purpose: 'webhook-secret' } }), audit: await f.db.auditEvent.count() });

test('create: a tenant admin gets the whsec_ secret once; only its sealed key is stored; audited by host', async () => {
  const { subscription, secret } = await adminA().create({ ...HOOK, description: '  on-call  ' });
  assert.deepEqual([subscription.tenantId, subscription.url, subscription.description, subscription.enabled], [tenantA, HOOK.url, 'on-call', true]);
  assert.deepEqual(subscription.eventTypes, ['verification.completed', 'alert.opened'], 'known types, in their canonical order');
  const key = parseWebhookSecret(secret);
  const [row] = await f.db.webhookSecret.findMany({ where: { subscriptionId: subscription.id } });
  assert.deepEqual([row?.version, row?.expiresAt], [1, null]);
  const sealed = await f.db.vaultSecret.findFirstOrThrow({ where: { purpose: 'webhook-secret', recordId: row!.id } });
  assert.equal(sealed.tenantId, tenantA);
  assert.ok(!Buffer.from(sealed.ciphertext).includes(Buffer.from(key)), 'sealed, not plain');
  assert.deepEqual(await f.vault.unseal({ tenantId: tenantA, purpose: 'webhook-secret', recordId: row!.id }, { apiKeyId: null }), key);
  const event = await f.db.auditEvent.findFirstOrThrow({ where: { action: 'webhook_subscription.create', recordId: subscription.id } });
  assert.deepEqual(event.details, { host: 'hooks.example.com', eventTypes: 'verification.completed,alert.opened', keyVersion: 1 });
  assert.ok(!JSON.stringify(await f.db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } })).includes(secret));
});

test('create refuses bad input, forbidden addresses and roles below tenant admin, storing, sealing and auditing nothing; the per-tenant limit counts live subscriptions only', async () => {
  const before = await stored();
  const refused: Array<[Partial<CreateWebhookSubscriptionInput>, string]> = [
    [{ url: 'not a url' }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: 'ftp://hooks.example.com/' }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: 'https://user:pw@hooks.example.com/' }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: 'https://hooks.example.com/#x' }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: 'https://hooks.example.com/?token=abc' }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 'INVALID_WEBHOOK_INPUT'],
    [{ url: 'http://127.0.0.1:8080/hook' }, 'WEBHOOK_URL_FORBIDDEN'],
    [{ url: 'http://[::ffff:10.0.0.1]/hook' }, 'WEBHOOK_URL_FORBIDDEN'],
    [{ eventTypes: [] }, 'INVALID_WEBHOOK_INPUT'],
    [{ eventTypes: ['verification.completed', 'everything'] }, 'INVALID_WEBHOOK_INPUT'],
    [{ description: 'x'.repeat(501) }, 'INVALID_WEBHOOK_INPUT'],
  ];
  for (const [change, code] of refused) await assert.rejects(adminA().create({ ...HOOK, ...change }), { code }, JSON.stringify(change).slice(0, 80));
  for (const role of ['OPERATOR', 'VIEWER'] as const) await assert.rejects(sut(actorOf(tenantA, role)).create(HOOK), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actorOf(null, 'PLATFORM_ADMIN')).create(HOOK), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).create(HOOK), { code: 'UNAUTHENTICATED' });
  assert.deepEqual(await stored(), before);

  const tenantC = await f.tenant('c');
  const adminC = sut(actorOf(tenantC, 'TENANT_ADMIN'));
  // All but the last place filled directly (secrets need not be sealed for the count).
  await f.db.webhookSubscription.createMany({ data: Array.from({ length: MAX_SUBSCRIPTIONS_PER_TENANT - 1 }, () => ({ tenantId: tenantC, url: HOOK.url, eventTypes: ['alert.opened'] })) });
  const last = (await adminC.create(HOOK)).subscription;
  await assert.rejects(adminC.create(HOOK), { code: 'WEBHOOK_SUBSCRIPTION_LIMIT' });
  await adminC.delete(last.id);
  assert.equal((await adminC.create(HOOK)).subscription.tenantId, tenantC, 'a deleted subscription frees its place');
});

test('test deliveries are queued for an operator with their Job row and queue entry; disabling cancels what is pending; enabling clears the platform\'s reason', async () => {
  const { subscription } = await adminA().create(HOOK);
  await assert.rejects(sut(actorOf(tenantA, 'VIEWER')).test(subscription.id), { code: 'FORBIDDEN' });
  const delivery = await sut(actorOf(tenantA, 'OPERATOR')).test(subscription.id);
  assert.deepEqual([delivery.status, delivery.subscriptionId, delivery.event.type, delivery.attempts], ['PENDING', subscription.id, 'webhook.test', []]);
  assert.equal((await f.db.job.findUniqueOrThrow({ where: { id: delivery.jobId } })).kind, 'WEBHOOK');
  assert.deepEqual([(await f.queueEntry(delivery.jobId))?.name, (await f.queueEntry(delivery.jobId))?.state], ['webhook', 'created']);

  await f.db.webhookSubscription.update({ where: { id: subscription.id }, data: { disabledReason: 'The receiver answered 410 Gone.' } });
  const disabled = await adminA().update({ id: subscription.id, enabled: false });
  assert.equal(disabled.enabled, false);
  assert.equal((await f.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status, 'CANCELLED');
  assert.equal((await f.db.job.findUniqueOrThrow({ where: { id: delivery.jobId } })).status, 'CANCELLED');
  assert.equal((await f.queueEntry(delivery.jobId))?.state, 'cancelled');
  await assert.rejects(sut(actorOf(tenantA, 'OPERATOR')).test(subscription.id), { code: 'WEBHOOK_SUBSCRIPTION_DISABLED' });

  const enabled = await adminA().update({ id: subscription.id, enabled: true, url: 'https://other.example.com/hook', eventTypes: ['integrity.changed'] });
  assert.deepEqual([enabled.enabled, enabled.disabledReason, enabled.url, enabled.eventTypes, enabled.description], [true, null, 'https://other.example.com/hook', ['integrity.changed'], '']);
  await assert.rejects(adminA().update({ id: subscription.id, url: 'http://10.1.2.3/' }), { code: 'WEBHOOK_URL_FORBIDDEN' });
  await assert.rejects(sut(actorOf(tenantA, 'OPERATOR')).update({ id: subscription.id, enabled: false }), { code: 'FORBIDDEN' });
  assert.equal((await f.db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } })).url, 'https://other.example.com/hook');
  assert.equal(await f.db.auditEvent.count({ where: { action: 'webhook_subscription.update', recordId: subscription.id } }), 2);
});

test('rotateSecret keeps the previous secret for the window asked (none: destroyed now), never more than two; delete destroys every secret and cancels pending deliveries but keeps the log', async () => {
  const { subscription, secret: first } = await adminA().create(HOOK);
  const rotated = await adminA().rotateSecret({ id: subscription.id });
  assert.notEqual(rotated.secret, first);
  const secrets = await adminA().secrets(subscription.id);
  assert.deepEqual(secrets.map((s) => s.version), [2, 1]);
  assert.deepEqual([secrets[0]!.expiresAt, secrets[1]!.expiresAt], [null, rotated.previousSecretExpiresAt]);
  const overlap = rotated.previousSecretExpiresAt!.getTime() - secrets[0]!.createdAt.getTime();
  assert.ok(Math.abs(overlap - 24 * 3_600_000) < 5000, `the previous secret signs for 24 h by default (${overlap} ms)`);
  assert.equal(await vaultSecrets(subscription.id), 2);
  await adminA().rotateSecret({ id: subscription.id });
  assert.deepEqual((await adminA().secrets(subscription.id)).map((s) => s.version), [3, 2], 'the oldest is destroyed');
  const leaked = await adminA().rotateSecret({ id: subscription.id, previousSecretValidHours: 0 });
  assert.equal(leaked.previousSecretExpiresAt, null);
  assert.deepEqual((await adminA().secrets(subscription.id)).map((s) => s.version), [4]);
  assert.equal(await vaultSecrets(subscription.id), 1);
  assert.equal(await orphanedSeals(), 0, 'nothing sealed is left behind');
  await assert.rejects(adminA().rotateSecret({ id: subscription.id, previousSecretValidHours: 169 }), { code: 'INVALID_WEBHOOK_INPUT' });
  await assert.rejects(sut(actorOf(tenantA, 'OPERATOR')).rotateSecret({ id: subscription.id }), { code: 'FORBIDDEN' });

  const delivery = await sut(actorOf(tenantA, 'OPERATOR')).test(subscription.id);
  const deleted = await adminA().delete(subscription.id);
  assert.deepEqual([deleted.enabled, deleted.deletedAt !== null], [false, true]);
  assert.deepEqual([await f.db.webhookSecret.count({ where: { subscriptionId: subscription.id } }), await orphanedSeals()], [0, 0]);
  assert.equal((await f.queueEntry(delivery.jobId))?.state, 'cancelled');
  const log = await adminA().deliveries(subscription.id, { first: 10 });
  assert.deepEqual(log.items.map((d) => [d.id, d.status]), [[delivery.id, 'CANCELLED']], 'the log stays readable');
  assert.equal((await adminA().get(subscription.id))?.id, subscription.id);
  assert.ok(!(await adminA().list()).some((s) => s.id === subscription.id));
  await assert.rejects(adminA().delete(subscription.id), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  await assert.rejects(adminA().rotateSecret({ id: subscription.id }), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  await assert.rejects(adminA().update({ id: subscription.id, enabled: true }), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  assert.equal(await f.db.auditEvent.count({ where: { action: 'webhook_subscription.rotate_secret', recordId: subscription.id } }), 3);
  assert.equal(await f.db.auditEvent.count({ where: { action: 'webhook_subscription.delete', recordId: subscription.id } }), 1);
});

test("another tenant's subscriptions do not exist for the caller: no reads, no changes, no deliveries", async () => {
  const { subscription } = await adminA().create(HOOK);
  const delivery = await sut(actorOf(tenantA, 'OPERATOR')).test(subscription.id);
  const adminB = sut(actorOf(tenantB, 'TENANT_ADMIN'));
  assert.equal(await adminB.get(subscription.id), null);
  assert.ok(!(await adminB.list()).some((s) => s.tenantId !== tenantB));
  assert.deepEqual(await adminB.secrets(subscription.id), []);
  await assert.rejects(adminB.deliveries(subscription.id, { first: 10 }), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  for (const call of [adminB.update({ id: subscription.id, enabled: false }), adminB.rotateSecret({ id: subscription.id }), adminB.delete(subscription.id), adminB.test(subscription.id)]) {
    await assert.rejects(call, { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  }
  assert.equal(await adminB.get('not-a-uuid'), null);
  await assert.rejects(adminB.update({ id: randomUUID() }), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  const untouched = await f.db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
  assert.deepEqual([untouched.enabled, untouched.deletedAt], [true, null]);
  assert.equal((await f.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status, 'PENDING');
  assert.equal(await vaultSecrets(subscription.id), 1);
});

test('an update that waited on a deletion finds the subscription gone instead of bringing it back', async () => {
  const { subscription } = await adminA().create(HOOK);
  // Another transaction holds the row: the deletion, then the update, queue behind it in that order.
  const holder = new pg.Client({ connectionString: f.testDb.url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT id FROM "WebhookSubscription" WHERE id = $1 FOR UPDATE', [subscription.id]);
  const waiting = (n: number) =>
    waitFor(async () => ((await f.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]!.n >= n ? true : undefined), `${n} waiting on the row`, 10_000);
  const deleted = adminA().delete(subscription.id);
  await waiting(1);
  // Its outcome is checked at once: it may be refused before the deletion's promise is awaited.
  const updateRefused = assert.rejects(adminA().update({ id: subscription.id, enabled: true, url: 'https://elsewhere.example.com/' }), { code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' });
  await waiting(2);
  await holder.query('COMMIT');
  await holder.end();
  await deleted;
  await updateRefused;
  const row = await f.db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
  assert.deepEqual([row.enabled, row.url, row.deletedAt !== null], [false, HOOK.url, true]);
  assert.equal(await f.db.auditEvent.count({ where: { action: 'webhook_subscription.update', recordId: subscription.id } }), 0);
});
