/**
 * The WEBHOOK job: one attempt of one delivery. It signs the event's stored body with the
 * subscription's valid secrets at the current time, POSTs it (webhook-sender.ts), and records
 * the attempt in one fenced transaction with what follows from it: DELIVERED on a 2xx; else
 * the next attempt as a new job that no worker takes before its time (retry-schedule.ts), or,
 * when no attempt is left or the receiver answered 410 Gone, FAILED (a 410 also disables the
 * subscription). Each attempt being its own job keeps the runtime's retries (a crashed worker)
 * apart from the delivery's: a receiver that is down gets the long schedule, not the runtime's.
 *
 * Nothing is sent for a deleted tenant, a disabled or deleted subscription (the delivery ends
 * CANCELLED), and the secrets are unsealed only after those checks, wiped after signing, and
 * never logged or stored: job payloads carry the job id only.
 */
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import type { Vault } from '../vault/vault.ts';
import { wipe } from '../vault/aead.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { QUEUES, type JobQueue } from '../jobs/job-queue.ts';
import { JobRecords, SupersededAttempt } from '../jobs/job-records.ts';
import type { RunningJob } from '../jobs/job-runtime.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { assertTenantActive, endJobOfDeletedTenant, TenantDeletedError } from '../tenants/tenant-guard.ts';
import { signingKeys } from './webhook-secrets.ts';
import { formatWebhookSecret, signedHeaders } from './webhook-signature.ts';
import { webhookIdOf } from './webhook-events.ts';
import { sendAttempt, type AttemptOutcome } from './webhook-sender.ts';
import { retryDelayMs, type RetrySettings } from './retry-schedule.ts';
import { cancelPendingDeliveries, deliveryOfJob, disableSubscription, recordAttempt, updateDelivery } from './webhooks.repository.ts';

export interface WebhookSettings extends RetrySettings {
  /** Longest one attempt may take. */
  timeoutMs: number;
}

export interface WebhookDeliveryJobDeps {
  db: Database;
  vault: Vault;
  queue: JobQueue;
  logger: Logger;
  workerId: string;
  /** Which addresses deliveries may reach: the inference endpoints' policy (FRAGMARK_EGRESS_ALLOW). */
  egress: EgressPolicy;
  webhooks: WebhookSettings;
}

const USER_AGENT = 'Fragmark-Webhooks/1';
const GONE_REASON = 'The receiver answered 410 Gone: it asked for no more deliveries.';

export const webhookDeliveryJob = defineJob<WebhookDeliveryJobDeps>({ kind: 'WEBHOOK', run: (deps, job) => runWebhookDeliveryJob(deps, job) });

export async function runWebhookDeliveryJob(deps: WebhookDeliveryJobDeps, job: RunningJob): Promise<void> {
  try {
    await attempt(deps, job);
  } catch (error) {
    if (error instanceof SupersededAttempt) {
      deps.logger.warn('a newer attempt owns this webhook job, or its delivery was cancelled; this attempt wrote nothing', { jobId: job.id, attempt: error.attempt });
      return;
    }
    if (!(error instanceof TenantDeletedError)) throw error;
    await endJobOfDeletedTenant(deps.db, job.id);
    deps.logger.info('webhook job of a deleted tenant ended; nothing was sent', { jobId: job.id });
  }
}

async function attempt(deps: WebhookDeliveryJobDeps, job: RunningJob): Promise<void> {
  const { db, logger } = deps;
  const delivery = await deliveryOfJob(db, job.id);
  if (!delivery) {
    logger.warn('webhook job without its delivery; dropping it', { jobId: job.id });
    return;
  }
  if (delivery.status !== 'PENDING') return;
  const records = new JobRecords(db, job.id);
  if (!(await records.started(deps.workerId, job.attempt))) return; // a newer attempt owns the job
  const { subscription, event, tenantId } = delivery;
  await assertTenantActive(db, tenantId);
  if (subscription.deletedAt || !subscription.enabled) {
    await db.$transaction(async (tx) => {
      await JobRecords.fence(tx, job.id, job.attempt);
      await updateDelivery(tx, delivery.id, { status: 'CANCELLED', nextAttemptAt: null, completedAt: new Date() });
      await JobRecords.cancel(tx, job.id);
    });
    return;
  }
  const host = new URL(subscription.url).host;
  await records.progress(0.5, `Delivering ${event.type} to ${host} (attempt ${delivery.attemptCount + 1}).`, true);

  const keys = await signingKeys(db, deps.vault, subscription, new Date());
  let outcome: AttemptOutcome;
  try {
    const headers = signedHeaders(keys, webhookIdOf(event.id), Math.floor(Date.now() / 1000), event.payload);
    const redact = keys.flatMap((key) => {
      const secret = formatWebhookSecret(key);
      return [secret, secret.slice('whsec_'.length)];
    });
    outcome = await sendAttempt({ url: subscription.url, headers: { ...headers, 'user-agent': USER_AGENT }, body: event.payload }, { transport: deps.egress.transport, timeoutMs: deps.webhooks.timeoutMs, signal: job.signal, redact });
  } finally {
    wipe(...keys);
  }
  // Throws (writing nothing) when the worker is stopping or a newer attempt owns the job.
  const cancelled = outcome.aborted && (await job.wasCancelled());

  const number = delivery.attemptCount + 1;
  const now = new Date();
  const nextDelay = outcome.delivered || outcome.gone || cancelled ? null : retryDelayMs(number, deps.webhooks, outcome.retryAfterMs);
  const cancelJobs = await db.$transaction(async (tx) => {
    // First, before any other row: the tenant's row locked (FOR SHARE) until the commit.
    await assertTenantActive(tx, tenantId);
    await JobRecords.fence(tx, job.id, job.attempt);
    await recordAttempt(tx, { tenantId, deliveryId: delivery.id, number, startedAt: outcome.startedAt, durationMs: outcome.durationMs, statusCode: outcome.statusCode, error: outcome.error, responseSnippet: outcome.responseSnippet });
    const ended = { attemptCount: number, nextAttemptAt: null, completedAt: now };
    if (outcome.delivered) {
      await updateDelivery(tx, delivery.id, { ...ended, status: 'DELIVERED' });
      await JobRecords.succeed(tx, job.id, `Delivered to ${host}: HTTP ${outcome.statusCode}.`);
      return [];
    }
    if (cancelled) {
      await updateDelivery(tx, delivery.id, { ...ended, status: 'CANCELLED' });
      await JobRecords.cancel(tx, job.id);
      return [];
    }
    if (nextDelay === null) {
      await updateDelivery(tx, delivery.id, { ...ended, status: 'FAILED' });
      await JobRecords.fail(tx, job.id, outcome.error!, true, outcome.gone ? GONE_REASON : `Webhook delivery failed after ${number} attempts.`);
      if (!outcome.gone) return [];
      await disableSubscription(tx, subscription.id, GONE_REASON);
      return cancelPendingDeliveries(tx, subscription.id, now);
    }
    const nextAttemptAt = new Date(now.getTime() + nextDelay);
    const next = await JobRecords.enqueue(deps.queue, tx, 'WEBHOOK', tenantId, `Waiting to deliver ${event.type} to ${host} (attempt ${number + 1}).`, { startAfter: nextAttemptAt });
    await updateDelivery(tx, delivery.id, { attemptCount: number, jobId: next.id, nextAttemptAt });
    await JobRecords.fail(tx, job.id, outcome.error!, true, `Attempt ${number} failed; attempt ${number + 1} is job ${next.id}, at ${nextAttemptAt.toISOString()}.`);
    return [];
  });
  await Promise.allSettled(cancelJobs.map((jobId) => deps.queue.cancel(QUEUES.WEBHOOK, jobId)));
  logger.info('webhook attempt recorded', { jobId: job.id, deliveryId: delivery.id, attempt: number, statusCode: outcome.statusCode, delivered: outcome.delivered, retryInMs: nextDelay });
}
