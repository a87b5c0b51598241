/**
 * The webhooks workflow's database access: what WebhookSubscriptionsService reads and writes
 * through the caller's tenant-scoped client (`WebhooksRepository`), and what the WEBHOOK job and
 * the secrets module read and write (the plain functions below: the job acts for every tenant).
 * Webhooks have no JSON columns: an event's payload is stored as the text that is sent.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Prisma, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent, WebhookSecret, WebhookSubscription } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { JobRecords } from '../jobs/job-records.ts';

/** A delivery with what its log shows: the event it carries and every attempt, oldest first. */
export type DeliveryWithAttempts = WebhookDelivery & { event: WebhookEvent; attempts: WebhookAttempt[] };

const DELIVERY_LOG = { event: true, attempts: { orderBy: { number: 'asc' } } } as const;

/** The columns a new subscription is created with. */
export type NewSubscription = Pick<WebhookSubscription, 'url' | 'description' | 'eventTypes' | 'enabled'>;

/** One tenant's webhook subscriptions and delivery log, through its scoped client (src/db/tenant-scope.ts). */
export class WebhooksRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  /** Runs `work` in one transaction of the scoped client. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.scoped.$transaction((tx) => work(tx as Transaction));
  }

  /** A subscription by id, deleted ones included; null when not the tenant's (or not a UUID). */
  subscription(id: string): Promise<WebhookSubscription | null> {
    return isUuid(id) ? this.scoped.webhookSubscription.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The subscriptions not deleted, oldest first, at most `take`. */
  subscriptions(take: number): Promise<WebhookSubscription[]> {
    return this.scoped.webhookSubscription.findMany({ where: { deletedAt: null }, orderBy: { id: 'asc' }, take });
  }

  /** Versions and expiries of the subscription's secrets, newest first (never a key). */
  secrets(subscriptionId: string): Promise<Array<Pick<WebhookSecret, 'version' | 'createdAt' | 'expiresAt'>>> {
    return this.scoped.webhookSecret.findMany({ where: { subscriptionId }, orderBy: { version: 'desc' }, select: { version: true, createdAt: true, expiresAt: true } });
  }

  delivery(id: string): Promise<DeliveryWithAttempts> {
    return this.scoped.webhookDelivery.findUniqueOrThrow({ where: { id }, include: DELIVERY_LOG });
  }

  /** The subscription's delivery log, newest first, each delivery with its attempts. */
  deliveries(subscriptionId: string, status: WebhookDeliveryStatus | null | undefined, page: PageRequest): Promise<Page<DeliveryWithAttempts>> {
    const where = { subscriptionId, ...(status ? { status } : {}) };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.webhookDelivery.findMany({ where: { ...where, ...cursorWhere }, take, orderBy, include: DELIVERY_LOG }),
      () => this.scoped.webhookDelivery.count({ where }),
    );
  }

  /** Serialises the tenant's creations until the commit, so a count holds. */
  async lockTenant(tx: Transaction, tenantId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'fragmark-webhooks:' + tenantId}))`;
  }

  /** The tenant's subscriptions not deleted. */
  countActive(tx: Transaction, tenantId: string): Promise<number> {
    return tx.webhookSubscription.count({ where: { tenantId, deletedAt: null } });
  }

  create(tx: Transaction, tenantId: string, fields: NewSubscription): Promise<WebhookSubscription> {
    return tx.webhookSubscription.create({ data: { tenantId, ...fields } });
  }

  /** Locks the subscription's row for the rest of `tx`; false when it is gone or deleted meanwhile. */
  async lockActive(tx: Transaction, id: string): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ deletedAt: Date | null }>>`SELECT "deletedAt" FROM "WebhookSubscription" WHERE id = ${id}::uuid FOR UPDATE`;
    return rows[0]?.deletedAt === null;
  }

  update(tx: Transaction, id: string, data: Prisma.WebhookSubscriptionUpdateInput): Promise<WebhookSubscription> {
    return tx.webhookSubscription.update({ where: { id }, data });
  }

  /** The version of the subscription's current secret. */
  async currentSecretVersion(tx: Transaction, subscriptionId: string): Promise<number> {
    return (await tx.webhookSecret.findFirstOrThrow({ where: { subscriptionId, expiresAt: null } })).version;
  }
}

/**
 * Ends a subscription's pending deliveries CANCELLED, with their queued jobs, in `tx` (it was
 * disabled or deleted, by a tenant admin or by a 410 Gone answer). Returns those jobs' ids, for
 * the caller to cancel in the queue after the commit; a job a worker already took ends at its fence.
 */
export async function cancelPendingDeliveries(tx: Transaction, subscriptionId: string, now: Date): Promise<string[]> {
  const pending = await tx.webhookDelivery.findMany({ where: { subscriptionId, status: 'PENDING' }, select: { jobId: true } });
  const jobIds = pending.map((d) => d.jobId);
  await JobRecords.cancelUnfinished(tx, jobIds, 'the webhook subscription was disabled or deleted', now);
  await tx.webhookDelivery.updateMany({ where: { subscriptionId, status: 'PENDING' }, data: { status: 'CANCELLED', nextAttemptAt: null, completedAt: now } });
  return jobIds;
}

// Raising an event (webhook-events.ts), in the transaction of whatever workflow raises it.

/** The tenant's enabled subscriptions (not deleted) to `type`, oldest first. */
export function subscribersOf(tx: Transaction, tenantId: string, type: string): Promise<Array<{ id: string; url: string }>> {
  return tx.webhookSubscription.findMany({ where: { tenantId, enabled: true, deletedAt: null, eventTypes: { has: type } }, select: { id: true, url: true }, orderBy: { id: 'asc' } });
}

export function createEvent(tx: Transaction, event: { id: string; tenantId: string; type: string; payload: string; createdAt: Date }): Promise<WebhookEvent> {
  return tx.webhookEvent.create({ data: event });
}

export function createDelivery(tx: Transaction, delivery: { tenantId: string; eventId: string; subscriptionId: string; jobId: string; nextAttemptAt: Date }): Promise<WebhookDelivery> {
  return tx.webhookDelivery.create({ data: delivery });
}

/** The id (jti) of the attestation a verification's verdict issued, or null. */
export async function attestationIdOf(tx: Transaction, verificationId: string): Promise<string | null> {
  return (await tx.attestation.findUnique({ where: { verificationId }, select: { jti: true } }))?.jti ?? null;
}

// The WEBHOOK job's: it acts for every tenant (the unscoped client; rows come from its delivery).

/** The delivery a WEBHOOK job attempts, with its event and subscription; null when gone. */
export function deliveryOfJob(db: Database, jobId: string) {
  return db.webhookDelivery.findUnique({ where: { jobId }, include: { event: true, subscription: true } });
}

export async function updateDelivery(tx: Transaction, id: string, data: Prisma.WebhookDeliveryUncheckedUpdateInput): Promise<void> {
  await tx.webhookDelivery.update({ where: { id }, data });
}

export async function recordAttempt(tx: Transaction, attempt: Omit<Prisma.WebhookAttemptUncheckedCreateInput, 'id'>): Promise<void> {
  await tx.webhookAttempt.create({ data: attempt });
}

/** Disables the subscription for the platform's `reason` (the receiver answered 410 Gone). */
export async function disableSubscription(tx: Transaction, id: string, reason: string): Promise<void> {
  await tx.webhookSubscription.update({ where: { id }, data: { enabled: false, disabledReason: reason } });
}

// The secrets' rows (webhook-secrets.ts seals and discards their keys in the vault).

export function createSecretRow(tx: Transaction, subscription: { id: string; tenantId: string }, version: number): Promise<WebhookSecret> {
  return tx.webhookSecret.create({ data: { tenantId: subscription.tenantId, subscriptionId: subscription.id, version } });
}

/** Every secret of the subscription, newest first. */
export function secretsOf(tx: Transaction, subscriptionId: string): Promise<WebhookSecret[]> {
  return tx.webhookSecret.findMany({ where: { subscriptionId }, orderBy: { version: 'desc' } });
}

export async function expireSecret(tx: Transaction, id: string, expiresAt: Date): Promise<void> {
  await tx.webhookSecret.update({ where: { id }, data: { expiresAt } });
}

export async function deleteSecretRow(tx: Transaction, id: string): Promise<void> {
  await tx.webhookSecret.delete({ where: { id } });
}

/** The secrets valid at `now` (the current one and a previous one not expired), newest first. */
export function validSecrets(db: Database, subscriptionId: string, now: Date): Promise<WebhookSecret[]> {
  return db.webhookSecret.findMany({ where: { subscriptionId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, orderBy: { version: 'desc' } });
}
