import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { webhookIdOf } from '../../webhooks/webhook-events.ts';

export const webhookResolvers: Resolvers = {
  Query: {
    webhookSubscriptions: (_parent, _args, { services }) => queryResult(() => services.webhooks.list()),
    webhookSubscription: (_parent, { id }, { services }) => queryResult(() => services.webhooks.get(id)),
    webhookDeliveries: (_parent, { subscriptionId, first, after, filter }, { services }) =>
      queryResult(async () => toConnection(await services.webhooks.deliveries(subscriptionId, { first, after }, { status: filter?.status ?? null }))),
  },
  Mutation: {
    createWebhookSubscription: (_parent, { input }, { services }) => mutationPayload(() => services.webhooks.create(input)),
    updateWebhookSubscription: (_parent, { input }, { services }) => mutationPayload(async () => ({ subscription: await services.webhooks.update(input) })),
    rotateWebhookSecret: (_parent, { input }, { services }) => mutationPayload(() => services.webhooks.rotateSecret(input)),
    deleteWebhookSubscription: (_parent, { input }, { services }) => mutationPayload(async () => ({ subscription: await services.webhooks.delete(input.id) })),
    testWebhookSubscription: (_parent, { input }, { services }) => mutationPayload(async () => ({ delivery: await services.webhooks.test(input.id) })),
  },
  WebhookSubscription: {
    secrets: (subscription, _args, { services }) => queryResult(() => services.webhooks.secrets(subscription.id)),
  },
  WebhookDelivery: {
    webhookId: (delivery) => webhookIdOf(delivery.eventId),
    eventType: (delivery) => delivery.event.type,
    payload: (delivery) => delivery.event.payload,
  },
};
