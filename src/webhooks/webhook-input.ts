/**
 * What a tenant admin may put in a subscription, checked before anything is stored: limits
 * first (lengths, counts), then the URL's form and the egress policy, which webhooks share with
 * inference endpoints (src/endpoints/egress-policy.ts): a URL whose host is an address the policy
 * refuses (loopback, private, link-local, metadata, ... in any spelling the URL parser
 * normalises) is refused here; a host name is checked again, once resolved, at every delivery.
 */
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { credentialInQuery } from '../endpoints/endpoint-url.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
import { WebhooksError } from './webhooks.errors.ts';

export const MAX_URL_CHARS = 2048;
export const MAX_DESCRIPTION_CHARS = 500;
/** Subscriptions one tenant may have (deleted ones not counted): each event fans out to all. */
export const MAX_SUBSCRIPTIONS_PER_TENANT = 20;
/** How long the previous secret keeps signing after a rotation, unless the caller says otherwise. */
export const DEFAULT_PREVIOUS_SECRET_HOURS = 24;
export const MAX_PREVIOUS_SECRET_HOURS = 168;

const invalid = (message: string, field: string) => new WebhooksError('INVALID_WEBHOOK_INPUT', message, ['input', field]);

/** An absolute http(s) URL the egress policy does not refuse outright, normalised. */
export function webhookUrl(text: string, egress: EgressPolicy): string {
  if (text.length > MAX_URL_CHARS) throw invalid(`url must be at most ${MAX_URL_CHARS} characters.`, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('url must be an absolute http or https URL.', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('url must be an http or https URL.', 'url');
  if (url.username || url.password) throw invalid('url must not carry user info: deliveries are authenticated by their signature.', 'url');
  if (url.hash) throw invalid('url must not contain a fragment.', 'url');
  const param = credentialInQuery(url);
  if (param !== null) {
    throw invalid(`url must not carry a credential in its query string (parameter "${param.slice(0, 64)}"): every VIEWER can read it; deliveries are authenticated by their signature.`, 'url');
  }
  const refused = egress.checkHost(url.hostname);
  if (refused !== undefined && refused !== null) {
    throw new WebhooksError(
      'WEBHOOK_URL_FORBIDDEN',
      `url points at ${url.hostname} (${refused} address): Fragmark does not send to such addresses unless an administrator allows them with FRAGMARK_EGRESS_ALLOW.`,
      ['input', 'url'],
    );
  }
  const normalised = url.toString();
  if (normalised.length > MAX_URL_CHARS) throw invalid(`url must be at most ${MAX_URL_CHARS} characters.`, 'url');
  return normalised;
}

export function webhookDescription(text: string | null | undefined): string {
  const description = (text ?? '').trim();
  if (description.length > MAX_DESCRIPTION_CHARS) throw invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  return description;
}

/** A non-empty set of known event types, without repeats. */
export function webhookEventTypes(types: readonly string[]): WebhookEventType[] {
  if (types.length === 0) throw invalid(`eventTypes must name at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}.`, 'eventTypes');
  if (types.length > WEBHOOK_EVENT_TYPES.length * 2) throw invalid(`eventTypes lists ${types.length} types; there are ${WEBHOOK_EVENT_TYPES.length}.`, 'eventTypes');
  const unknown = types.find((t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined) throw invalid(`eventTypes: "${unknown.slice(0, 64)}" is not an event type (${WEBHOOK_EVENT_TYPES.join(', ')}).`, 'eventTypes');
  return WEBHOOK_EVENT_TYPES.filter((t) => types.includes(t));
}

/** Hours the previous secret keeps signing after a rotation: 0 (stop now) to MAX_PREVIOUS_SECRET_HOURS. */
export function previousSecretHours(hours: number | null | undefined): number {
  const value = hours ?? DEFAULT_PREVIOUS_SECRET_HOURS;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PREVIOUS_SECRET_HOURS) {
    throw invalid(`previousSecretValidHours must be a whole number of hours from 0 to ${MAX_PREVIOUS_SECRET_HOURS}.`, 'previousSecretValidHours');
  }
  return value;
}
