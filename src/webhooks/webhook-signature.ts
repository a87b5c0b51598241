/**
 * Signing as the Standard Webhooks specification (v1.0.0, "Signature scheme" and "Webhook
 * headers": https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
 * says, so that any of its verifier libraries accepts our deliveries:
 *
 * - the secret is 24 to 64 random bytes, shown to users as `whsec_` + base64 ("Symmetric": "Random.
 *   Between 24 bytes (192 bits) and 64 bytes (512 bits)", "base64 encoded, prefixed with whsec_");
 * - the signed content is `msg_id.timestamp.payload` (the webhook-id, the webhook-timestamp in
 *   whole seconds and the exact body, joined by full stops), signed with HMAC-SHA256;
 * - `webhook-signature` is a space-delimited list of `v1,<base64 signature>`, one per valid
 *   secret: during a rotation both the new and the previous secret sign, "to support zero
 *   downtime secret rotation".
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
/** What we generate: 256 bits, inside the specification's range. */
export const SECRET_BYTES = 32;
/** The symmetric scheme's identifier in the signature header. */
const SCHEME = 'v1';

/** A fresh secret: its raw key (what is sealed) and its `whsec_` form (what the user is shown, once). */
export function generateWebhookSecret(): { key: Uint8Array; secret: string } {
  const key = new Uint8Array(randomBytes(SECRET_BYTES));
  return { key, secret: formatWebhookSecret(key) };
}

export function formatWebhookSecret(key: Uint8Array): string {
  return SECRET_PREFIX + Buffer.from(key).toString('base64');
}

/** The key of a `whsec_…` secret; refuses anything that is not base64 of 24 to 64 bytes (never echoing it). */
export function parseWebhookSecret(secret: string): Uint8Array {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, 'base64') : Buffer.alloc(0);
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES || formatWebhookSecret(key) !== secret) {
    throw new Error(`A webhook secret is "${SECRET_PREFIX}" followed by base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes.`);
  }
  return new Uint8Array(key);
}

/** One signature, `v1,<base64 of HMAC-SHA256(key, "id.timestamp.body")>`. */
export function signWebhook(key: Uint8Array, webhookId: string, timestamp: number, body: string): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('The webhook timestamp is whole seconds since the epoch.');
  const mac = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `${SCHEME},${mac}`;
}

export interface SignedHeaders {
  'content-type': 'application/json';
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The headers of one attempt: signed with every key in `keys` (newest first), at `timestamp`
 * (whole seconds; each attempt signs its own time, which receivers check against replays).
 */
export function signedHeaders(keys: readonly Uint8Array[], webhookId: string, timestamp: number, body: string): SignedHeaders {
  if (keys.length === 0) throw new Error('A webhook needs at least one secret to be signed with.');
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': keys.map((key) => signWebhook(key, webhookId, timestamp, body)).join(' '),
  };
}
