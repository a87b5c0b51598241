/**
 * Webhook subscriptions from the command line (docs/webhooks.md):
 *
 *   fragmark webhooks list
 *   fragmark webhooks create --receiver <url> --events <type,type> [--description D]   (TENANT_ADMIN)
 *   fragmark webhooks test <subscriptionId>                                        (OPERATOR)
 *   fragmark webhooks deliveries <subscriptionId> [--first N]
 *
 * `create` prints the signing secret once, on stdout (with --json, in the JSON object), so it
 * can be piped into a secret store; it is never written anywhere else.
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';

const SUBSCRIPTION_FIELDS = 'id url description eventTypes enabled disabledReason createdAt';
export const CREATE_USAGE = 'usage: fragmark webhooks create --receiver <url> --events <type,type> [--description D]';

export async function webhooksList(flags: Flags, out: Out): Promise<number> {
  const client = new ApiClient(clientOptions(flags));
  const { webhookSubscriptions } = await client.graphql(`{ webhookSubscriptions { ${SUBSCRIPTION_FIELDS} } }`);
  const rows = webhookSubscriptions.map((s: any) => `${s.id}  ${s.enabled ? 'enabled ' : 'disabled'}  ${s.url}  ${s.eventTypes.join(',')}${s.disabledReason ? `  (${s.disabledReason})` : ''}`);
  out(rows.length ? rows.join('\n') : 'No webhook subscriptions.', { ok: true, subscriptions: webhookSubscriptions });
  return 0;
}

export async function webhooksCreate(flags: Flags, out: Out, json: boolean): Promise<number> {
  const url = flag(flags, 'receiver');
  const events = flag(flags, 'events');
  if (!url || !events) throw new CliError(CREATE_USAGE, 2);
  const client = new ApiClient(clientOptions(flags));
  const { subscription, secret } = await client.mutate(
    'createWebhookSubscription',
    `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { ${SUBSCRIPTION_FIELDS} } secret userErrors { code message } } }`,
    { input: { url, eventTypes: events.split(',').map((e) => e.trim()).filter(Boolean), description: flag(flags, 'description') ?? null } },
  );
  out(`Subscribed ${subscription.url} to ${subscription.eventTypes.join(', ')} (${subscription.id}). Its signing secret, shown once, is on stdout.`, { ok: true, subscription, secret });
  if (!json) process.stdout.write(`${secret}\n`);
  return 0;
}

export async function webhooksTest(args: string[], flags: Flags, out: Out): Promise<number> {
  const [id] = args;
  if (!id) throw new CliError('usage: fragmark webhooks test <subscriptionId>', 2);
  const client = new ApiClient(clientOptions(flags));
  const { delivery } = await client.mutate(
    'testWebhookSubscription',
    `mutation($id: ID!) { testWebhookSubscription(input: { id: $id }) { delivery { id webhookId status } userErrors { code message } } }`,
    { id },
  );
  out(`Queued a webhook.test delivery (${delivery.webhookId}); see: fragmark webhooks deliveries ${id}`, { ok: true, delivery });
  return 0;
}

export async function webhooksDeliveries(args: string[], flags: Flags, out: Out): Promise<number> {
  const [id] = args;
  const first = Number(flag(flags, 'first') ?? 20);
  if (!id || !Number.isInteger(first) || first < 1 || first > 100) throw new CliError('usage: fragmark webhooks deliveries <subscriptionId> [--first N (1 to 100)]', 2);
  const client = new ApiClient(clientOptions(flags));
  const { webhookDeliveries } = await client.graphql(
    `query($id: ID!, $first: Int) { webhookDeliveries(subscriptionId: $id, first: $first) { totalCount edges { node {
      id webhookId eventType status attemptCount nextAttemptAt createdAt attempts { number startedAt durationMs statusCode error } } } } }`,
    { id, first },
  );
  const deliveries = webhookDeliveries.edges.map((e: any) => e.node);
  const rows = deliveries.flatMap((d: any) => [
    `${d.createdAt}  ${d.eventType.padEnd(22)} ${d.status.padEnd(9)} ${d.attemptCount} attempt(s)${d.nextAttemptAt ? `, next at ${d.nextAttemptAt}` : ''}  ${d.webhookId}`,
    ...d.attempts.map((a: any) => `    #${a.number} ${a.startedAt} ${a.durationMs} ms ${a.statusCode === null ? '-' : `HTTP ${a.statusCode}`}${a.error ? `  ${a.error}` : ''}`),
  ]);
  out(rows.length ? rows.join('\n') : 'No deliveries yet.', { ok: true, totalCount: webhookDeliveries.totalCount, deliveries });
  return 0;
}
