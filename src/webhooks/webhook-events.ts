/**
 * The events webhooks report, their payloads, and the one way to raise one: `emitWebhookEvent`,
 * inside the transaction that makes the event happen. It writes the event, one delivery per
 * enabled subscription of the tenant that subscribed to its type, and one WEBHOOK job per
 * delivery, all in the caller's transaction: an event exists (and is delivered) if and only if
 * what it reports committed.
 *
 * Every delivery's body is the specification's recommended payload structure ("Payload
 * structure": `type`, `timestamp` of when the event occurred, ISO 8601, and `data`), serialised
 * once and stored as text, so that every attempt sends, and signs, the same bytes. Payloads are
 * "thin" (ids and the facts of the change): receivers fetch the rest through the API.
 */
import type { Transaction } from '../db/client.ts';
import type { IntegrityState, VerificationMode } from '../db/generated/client.ts';
import { uuid7 } from '../common/ids.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';
import { attestationIdOf, createDelivery, createEvent, subscribersOf } from './webhooks.repository.ts';

/** Event types a subscription may subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['verification.completed', 'integrity.changed', 'alert.opened'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent only by testWebhookSubscription, to that subscription, whatever it subscribed to. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** A deployment's integrity state (continuous monitoring, src/monitoring): the schema's enum. */
export type { IntegrityState };

/** `verification.completed`: a verification ended, whatever its verdict. Times are ISO 8601 (UTC). */
export interface VerificationCompletedData {
  verificationId: string;
  modelVersionId: string;
  mode: VerificationMode;
  /** The registered endpoint queried (ENDPOINT mode); null for an ad-hoc URL or an artifact check. */
  endpointId: string | null;
  /** ARTIFACT: the uploaded copy checked instead of the registered artifact; null otherwise. */
  candidateArtifactId: string | null;
  /** The monitor whose scheduled run this was; null for a check started by hand. */
  monitorId: string | null;
  verdict: 'INTACT' | 'TAMPERED' | 'ERROR';
  /** A user cancelled it (verdict ERROR): it says nothing about the model. */
  cancelled: boolean;
  accTri: number | null;
  triggersQueried: number | null;
  triggersMatched: number | null;
  /** Why the verdict is ERROR; null otherwise. */
  errorReason: string | null;
  completedAt: string;
  /** The signed attestation's id (its jti) for INTACT and TAMPERED; null for ERROR. */
  attestationId: string | null;
}

/** `integrity.changed`: a monitored deployment's integrity state changed. */
export interface IntegrityChangedData {
  monitorId: string;
  /** The registered endpoint monitored; null for a monitor of the version's registered artifact. */
  endpointId: string | null;
  modelVersionId: string;
  from: IntegrityState;
  to: IntegrityState;
  /** The verification whose verdict changed it. */
  verificationId: string;
  changedAt: string;
}

/** `alert.opened`: a state change opened an alert (open until acknowledged). */
export interface AlertOpenedData {
  alertId: string;
  monitorId: string;
  /** As in integrity.changed. */
  endpointId: string | null;
  modelVersionId: string;
  /** The state that opened the alert. */
  state: IntegrityState;
  verificationId: string;
  openedAt: string;
}

/** `webhook.test`: sent by testWebhookSubscription. */
export interface TestEventData {
  subscriptionId: string;
  message: string;
}

export interface WebhookEventData {
  'verification.completed': VerificationCompletedData;
  'integrity.changed': IntegrityChangedData;
  'alert.opened': AlertOpenedData;
  'webhook.test': TestEventData;
}

export interface EmittedEvent {
  /** Null when no subscription wanted it: nothing was written. */
  eventId: string | null;
  deliveries: number;
}

/**
 * Raises `type` for the tenant inside `tx`: delivered (after the commit, by workers) to each
 * enabled subscription of the tenant that subscribed to it. Writes nothing when none did.
 */
export async function emitWebhookEvent<T extends WebhookEventType>(
  queue: JobQueue,
  tx: Transaction,
  event: { tenantId: string; type: T; data: WebhookEventData[T] },
): Promise<EmittedEvent> {
  return recordEvent(queue, tx, event, await subscribersOf(tx, event.tenantId, event.type));
}

/**
 * Writes the event and a delivery with its first job for each of `subscriptions` (the caller
 * chose them: emitWebhookEvent by type, testWebhookSubscription the one tested).
 */
export async function recordEvent<T extends keyof WebhookEventData>(
  queue: JobQueue,
  tx: Transaction,
  event: { tenantId: string; type: T; data: WebhookEventData[T] },
  subscriptions: ReadonlyArray<{ id: string; url: string }>,
): Promise<EmittedEvent & { deliveryIds: string[] }> {
  if (subscriptions.length === 0) return { eventId: null, deliveries: 0, deliveryIds: [] };
  const occurredAt = new Date();
  const payload = JSON.stringify({ type: event.type, timestamp: occurredAt.toISOString(), data: event.data });
  const created = await createEvent(tx, { id: uuid7(), tenantId: event.tenantId, type: event.type, payload, createdAt: occurredAt });
  const deliveryIds: string[] = [];
  for (const subscription of subscriptions) {
    const job = await JobRecords.enqueue(queue, tx, 'WEBHOOK', event.tenantId, `Waiting to deliver ${event.type} to ${new URL(subscription.url).host} (attempt 1).`);
    const delivery = await createDelivery(tx, { tenantId: event.tenantId, eventId: created.id, subscriptionId: subscription.id, jobId: job.id, nextAttemptAt: occurredAt });
    deliveryIds.push(delivery.id);
  }
  return { eventId: created.id, deliveries: subscriptions.length, deliveryIds };
}

/** The `webhook-id` header of an event's deliveries: the same for every attempt (receivers dedupe by it). */
export function webhookIdOf(eventId: string): string {
  return `msg_${eventId}`;
}

/**
 * What the listener reads of a settled verification (SettledVerification in
 * src/verifications/verification-settled.ts, which webhooks sit below): the payload's facts.
 */
export type CompletedVerification = Omit<VerificationCompletedData, 'verificationId' | 'completedAt' | 'attestationId'> & { id: string; tenantId: string; completedAt: Date };

/**
 * The verification listener (wired in src/app/verification-listeners.ts) that raises
 * `verification.completed` in the transaction that records the verdict, with the attestation's
 * id, which that transaction issued just before.
 */
export function verificationCompletedListener(queue: JobQueue): (tx: Transaction, settled: CompletedVerification) => Promise<void> {
  return async (tx, settled) => {
    const attestationId = settled.verdict === 'ERROR' ? null : await attestationIdOf(tx, settled.id);
    await emitWebhookEvent(queue, tx, {
      tenantId: settled.tenantId,
      type: 'verification.completed',
      data: {
        verificationId: settled.id,
        modelVersionId: settled.modelVersionId,
        mode: settled.mode,
        endpointId: settled.endpointId,
        candidateArtifactId: settled.candidateArtifactId,
        monitorId: settled.monitorId,
        verdict: settled.verdict,
        cancelled: settled.cancelled,
        accTri: settled.accTri,
        triggersQueried: settled.triggersQueried,
        triggersMatched: settled.triggersMatched,
        errorReason: settled.errorReason,
        completedAt: settled.completedAt.toISOString(),
        attestationId,
      },
    });
  };
}
