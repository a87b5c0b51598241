/**
 * One delivery attempt over HTTP, as the specification's "Delivery success and failure" says:
 * a 2xx answer is a success, anything else a failure: a 3xx (redirects are never followed: "it's
 * therefore recommended to update the webhook URL instead"), 410 Gone (the receiver wants no more:
 * the caller disables the subscription), other statuses, a timeout, a refused or reset connection.
 *
 * The request goes through the egress policy's transport (src/endpoints/egress-policy.ts), the
 * one inference endpoints use: node:http(s) without proxy or redirects, whose lookup resolves the
 * host once and connects only to an address the policy allows, so a host name that resolves (or
 * is rebound) to a refused address fails without anything being sent.
 *
 * Of the answer only the status, Retry-After and a short snippet of the body are kept: at most
 * SNIPPET_BYTES are read, control characters removed, the subscription's secrets redacted.
 */
import { egressRefusalMessage, isEgressRefused, networkErrorCode, type Transport } from '../endpoints/egress-policy.ts';
import { redactAndTruncate } from '../endpoints/endpoint-url.ts';
import { parseRetryAfter } from './retry-schedule.ts';
import { outboundTraceHeaders } from '../tracing/trace-context.ts';

/** Bytes of an answer's body read at most; the rest is never read. */
const SNIPPET_BYTES = 1024;
/** Characters of the body kept in the delivery log. */
export const SNIPPET_CHARS = 200;

export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AttemptOptions {
  transport: Transport;
  timeoutMs: number;
  /** The job's signal: aborted when it is cancelled, loses its claim, or its worker stops. */
  signal?: AbortSignal;
  /** Text that must never be stored (the subscription's secrets, in every form). */
  redact: readonly string[];
}

export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  delivered: boolean;
  /** HTTP status of the answer; null when none came. */
  statusCode: number | null;
  /** Why it failed; null when delivered. */
  error: string | null;
  responseSnippet: string | null;
  /** The answer's Retry-After, in ms. */
  retryAfterMs: number | null;
  /** 410 Gone: the receiver asks for no more deliveries. */
  gone: boolean;
  /** The job's signal ended the attempt (not the timeout). */
  aborted: boolean;
}

export async function sendAttempt(request: DeliveryRequest, options: AttemptOptions): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const started = performance.now();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  const outcome = (fields: Partial<AttemptOutcome>): AttemptOutcome => ({
    startedAt,
    durationMs: Math.round(performance.now() - started),
    delivered: false,
    statusCode: null,
    error: null,
    responseSnippet: null,
    retryAfterMs: null,
    gone: false,
    aborted: options.signal?.aborted ?? false,
    ...fields,
  });
  const failure = (error: unknown): AttemptOutcome => {
    if (options.signal?.aborted) return outcome({ error: 'The attempt was interrupted (job cancelled or worker stopping).' });
    if (timeout.signal.aborted) return outcome({ error: `No complete answer within ${options.timeoutMs} ms.` });
    if (isEgressRefused(error)) return outcome({ error: `Refused by the egress policy, nothing was sent: ${egressRefusalMessage(error)}.` });
    const code = networkErrorCode(error);
    return outcome({ error: code ? `Unreachable (${code.slice(0, 40)}).` : 'Unreachable.' });
  };
  try {
    let response: Response;
    try {
      // The delivery job's trace continues at the receiver (W3C traceparent; not signed, ids only).
      const headers = { ...request.headers, ...outboundTraceHeaders() };
      response = await options.transport(request.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal });
    } catch (error) {
      return failure(error);
    }
    let snippet: string;
    try {
      snippet = bodySnippet(await readPrefix(response, SNIPPET_BYTES), options.redact);
    } catch (error) {
      return failure(error);
    }
    const status = response.status;
    const fields = { statusCode: status, responseSnippet: snippet === '' ? null : snippet };
    if (status >= 200 && status < 300) return outcome({ ...fields, delivered: true });
    if (status === 410) return outcome({ ...fields, gone: true, error: 'HTTP 410 Gone: the receiver wants no more deliveries; the subscription was disabled.' });
    const error = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed; point the subscription at the final URL.` : `HTTP ${status}.`;
    return outcome({ ...fields, error, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) });
  } finally {
    clearTimeout(timer);
  }
}

/** At most `limit` bytes of the body; the stream is cancelled after them. */
async function readPrefix(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const out = new Uint8Array(limit);
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.byteLength, limit - length);
      out.set(value.subarray(0, take), length);
      length += take;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out.subarray(0, length);
}

/** Printable text only (control characters become spaces, runs of space one), secrets redacted, then cut. */
function bodySnippet(bytes: Uint8Array, secrets: readonly string[]): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
  return redactAndTruncate(text, secrets, SNIPPET_CHARS);
}
