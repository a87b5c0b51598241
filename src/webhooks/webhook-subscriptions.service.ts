/**
 * Webhook subscriptions as API callers manage them. Creating, changing, rotating and deleting
 * one needs TENANT_ADMIN and is audited (like registered endpoints: its URL is where workers
 * send, its secret authenticates the tenant's events); a test delivery needs OPERATOR; reading
 * subscriptions and their delivery logs, VIEWER. Every read goes through the tenant-scoped
 * client; every input is checked before anything is stored, and each change commits whole.
 */
import type { Transaction } from '../db/client.ts';
import type { WebhookDeliveryStatus, WebhookSecret, WebhookSubscription } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Vault } from '../vault/vault.ts';
import { QUEUES, type JobQueue } from '../jobs/job-queue.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { recordEvent, TEST_EVENT_TYPE } from './webhook-events.ts';
import { createSecret, discardSecrets, rotateSecret } from './webhook-secrets.ts';
import { cancelPendingDeliveries, type DeliveryWithAttempts, type WebhooksRepository } from './webhooks.repository.ts';
import { MAX_SUBSCRIPTIONS_PER_TENANT, previousSecretHours, webhookDescription, webhookEventTypes, webhookUrl } from './webhook-input.ts';
import { WebhooksError } from './webhooks.errors.ts';

export interface CreateWebhookSubscriptionInput {
  url: string;
  description?: string | null;
  eventTypes: readonly string[];
  enabled?: boolean | null;
}

export interface UpdateWebhookSubscriptionInput {
  id: string;
  url?: string | null;
  description?: string | null;
  eventTypes?: readonly string[] | null;
  enabled?: boolean | null;
}

export type { DeliveryWithAttempts } from './webhooks.repository.ts';

export class WebhookSubscriptionsService {
  /** `webhooks`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly webhooks: WebhooksRepository | null,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
  ) {}

  /** Creates a subscription and its first secret; the `whsec_` secret is returned here only. */
  async create(input: CreateWebhookSubscriptionInput): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const actor = this.requireRole('TENANT_ADMIN');
    const url = webhookUrl(input.url, this.egress);
    const description = webhookDescription(input.description);
    const eventTypes = webhookEventTypes(input.eventTypes);
    const webhooks = this.webhooks!;
    return webhooks.transaction(async (tx) => {
      // Serialises the tenant's creations, so the count below holds until the commit.
      await webhooks.lockTenant(tx, actor.tenantId);
      const existing = await webhooks.countActive(tx, actor.tenantId);
      if (existing >= MAX_SUBSCRIPTIONS_PER_TENANT) {
        throw new WebhooksError('WEBHOOK_SUBSCRIPTION_LIMIT', `A tenant has at most ${MAX_SUBSCRIPTIONS_PER_TENANT} webhook subscriptions; delete one first.`);
      }
      const subscription = await webhooks.create(tx, actor.tenantId, { url, description, eventTypes, enabled: input.enabled ?? true });
      const secret = await createSecret(tx, this.vault, actor, subscription, 1);
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'webhook_subscription.create', recordId: subscription.id, details: { host: new URL(url).host, eventTypes: eventTypes.join(','), keyVersion: 1 } });
      return { subscription, secret };
    });
  }

  /**
   * Changes what is given. Disabling cancels the deliveries still pending; enabling again clears
   * why the platform disabled it. A new URL is checked as at creation.
   */
  async update(input: UpdateWebhookSubscriptionInput): Promise<WebhookSubscription> {
    const actor = this.requireRole('TENANT_ADMIN');
    const current = await this.active(input.id);
    const url = input.url === undefined || input.url === null ? undefined : webhookUrl(input.url, this.egress);
    const description = input.description === undefined || input.description === null ? undefined : webhookDescription(input.description);
    const eventTypes = input.eventTypes === undefined || input.eventTypes === null ? undefined : webhookEventTypes(input.eventTypes);
    const enabled = input.enabled ?? undefined;
    const webhooks = this.webhooks!;
    const { jobs, updated } = await webhooks.transaction(async (tx) => {
      // Serialised with deletion: an update that waited on one must not bring the row back.
      await lockActive(webhooks, tx, current.id);
      const updated = await webhooks.update(tx, current.id, { url, description, eventTypes, enabled, ...(enabled === true ? { disabledReason: null } : {}) });
      const jobs = enabled === false ? await cancelPendingDeliveries(tx, current.id, new Date()) : [];
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actorApiKeyId: actor.apiKeyId,
        action: 'webhook_subscription.update',
        recordId: current.id,
        details: { host: new URL(updated.url).host, eventTypes: updated.eventTypes.join(','), enabled: updated.enabled, cancelledDeliveries: jobs.length },
      });
      return { jobs, updated };
    });
    await this.cancelJobs(jobs);
    return updated;
  }

  /**
   * A new secret, returned here only. The previous one keeps signing deliveries (beside the new
   * one) for `previousSecretValidHours` (default 24; 0 ends it now, for a leaked secret).
   */
  async rotateSecret(input: { id: string; previousSecretValidHours?: number | null }): Promise<{ subscription: WebhookSubscription; secret: string; previousSecretExpiresAt: Date | null }> {
    const actor = this.requireRole('TENANT_ADMIN');
    const hours = previousSecretHours(input.previousSecretValidHours);
    const current = await this.active(input.id);
    const webhooks = this.webhooks!;
    return webhooks.transaction(async (tx) => {
      // Serialises rotations and deletion of one subscription: versions and the two-secret rule hold.
      await lockActive(webhooks, tx, current.id);
      const now = new Date();
      const rotated = await rotateSecret(tx, this.vault, actor, current, now, new Date(now.getTime() + hours * 3_600_000));
      const version = await webhooks.currentSecretVersion(tx, current.id);
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actorApiKeyId: actor.apiKeyId,
        action: 'webhook_subscription.rotate_secret',
        recordId: current.id,
        keyVersion: version,
        details: { previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null },
      });
      const subscription = await webhooks.update(tx, current.id, { updatedAt: now });
      return { subscription, ...rotated };
    });
  }

  /** Stops all deliveries and destroys the secrets; the row and its delivery log stay (deletedAt). */
  async delete(id: string): Promise<WebhookSubscription> {
    const actor = this.requireRole('TENANT_ADMIN');
    const current = await this.active(id);
    const webhooks = this.webhooks!;
    const { jobs, deleted } = await webhooks.transaction(async (tx) => {
      await lockActive(webhooks, tx, current.id);
      const now = new Date();
      const deleted = await webhooks.update(tx, current.id, { deletedAt: now, enabled: false });
      const jobs = await cancelPendingDeliveries(tx, current.id, now);
      await discardSecrets(tx, this.vault, actor, current.id);
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'webhook_subscription.delete', recordId: current.id, details: { cancelledDeliveries: jobs.length } });
      return { jobs, deleted };
    });
    await this.cancelJobs(jobs);
    return deleted;
  }

  /** Queues a `webhook.test` delivery to this subscription alone. */
  async test(id: string): Promise<DeliveryWithAttempts> {
    const actor = this.requireRole('OPERATOR');
    const current = await this.active(id);
    if (!current.enabled) throw new WebhooksError('WEBHOOK_SUBSCRIPTION_DISABLED', 'This subscription is disabled: enable it first.', ['input', 'id']);
    const [deliveryId] = (
      await this.webhooks!.transaction((tx) =>
        recordEvent(this.queue, tx, { tenantId: actor.tenantId, type: TEST_EVENT_TYPE, data: { subscriptionId: current.id, message: 'A test delivery from Fragmark.' } }, [current]),
      )
    ).deliveryIds;
    return this.webhooks!.delivery(deliveryId!);
  }

  /** The tenant's subscriptions (not deleted), oldest first; at most MAX_SUBSCRIPTIONS_PER_TENANT. */
  async list(): Promise<WebhookSubscription[]> {
    this.requireRole('VIEWER');
    return this.webhooks!.subscriptions(MAX_SUBSCRIPTIONS_PER_TENANT);
  }

  /** A subscription by id, deleted ones included (their delivery log stays readable); null when not the tenant's. */
  async get(id: string): Promise<WebhookSubscription | null> {
    this.requireRole('VIEWER');
    return this.webhooks!.subscription(id);
  }

  /** Versions and expiries of the subscription's secrets, newest first (never a key). */
  async secrets(subscriptionId: string): Promise<Array<Pick<WebhookSecret, 'version' | 'createdAt' | 'expiresAt'>>> {
    this.requireRole('VIEWER');
    return this.webhooks!.secrets(subscriptionId);
  }

  /** The delivery log of one subscription, newest first, each delivery with its attempts. */
  async deliveries(subscriptionId: string, page: PageRequest, filter: { status?: WebhookDeliveryStatus | null } = {}): Promise<Page<DeliveryWithAttempts>> {
    this.requireRole('VIEWER');
    const subscription = await this.get(subscriptionId);
    if (!subscription) throw notFound('subscriptionId');
    return this.webhooks!.deliveries(subscription.id, filter.status, page);
  }

  private async active(id: string): Promise<WebhookSubscription> {
    const subscription = await this.webhooks!.subscription(id);
    if (!subscription || subscription.deletedAt) throw notFound('id');
    return subscription;
  }

  /** After the commit (pg-boss has its own connections): a job already taken ends at its fence. */
  private async cancelJobs(jobIds: readonly string[]): Promise<void> {
    await Promise.allSettled(jobIds.map((jobId) => this.queue.cancel(QUEUES.WEBHOOK, jobId)));
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR' | 'TENANT_ADMIN'): Actor & { tenantId: string } {
    return requireTenantRole(this.actor, role, 'Webhook subscriptions');
  }
}

/** Locks the subscription's row for the rest of `tx`; refuses one deleted meanwhile. */
async function lockActive(webhooks: WebhooksRepository, tx: Transaction, id: string): Promise<void> {
  if (!(await webhooks.lockActive(tx, id))) throw notFound('id');
}

function notFound(field: string): WebhooksError {
  return new WebhooksError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', 'No such webhook subscription.', ['input', field]);
}
