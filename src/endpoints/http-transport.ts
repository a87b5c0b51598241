/**
 * One inference request over HTTP, with bounded retries: the transport half of the inference
 * client. It knows nothing of protocols: it posts a JSON body and returns the parsed JSON answer.
 *
 * Network errors, timeouts, 5xx and 429 are retried with exponential backoff (200 ms, 400 ms, ...;
 * a `Retry-After` of up to 10 s is honoured); other 4xx and unreadable answers are not. Redirects
 * are not followed (a 3xx is an HTTP error), so the credential never travels to another host. A
 * non-2xx answer is reported by status and body size only, never by its text (error messages are
 * stored where every viewer of the tenant reads them: the endpoint must not use them as a channel).
 */
import { EndpointError, type EndpointErrorCode } from './endpoint.errors.ts';
import { egressRefusalMessage, isEgressRefused, networkErrorCode, peerCertificateOf, type Transport } from './egress-policy.ts';
import { badAnswer } from './protocols/protocol-codec.ts';

export const BACKOFF_START_MS = 200;
const MAX_RETRY_AFTER_MS = 10_000;
/** A non-2xx answer's body is read (to measure it, never to keep it) up to this many bytes. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface HttpExchange {
  /** Full request URL. */
  readonly url: string;
  /** URL without query string, for messages. */
  readonly display: string;
  readonly headers: Record<string, string>;
  readonly fetchFn: Transport;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** Certificates (SHA-256 hex) that answers came with, in order of first sight. */
  readonly certificates: Set<string>;
}

function fail(code: EndpointErrorCode, message: string, details: { status?: number; requests?: number; cause?: unknown } = {}): EndpointError {
  return new EndpointError(code, message, details);
}

interface Attempt {
  readonly error: EndpointError;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

class AttemptFailure extends Error {
  constructor(readonly attempt: Attempt) {
    super(attempt.error.message);
  }
}

/**
 * Posts `body` until an answer is read or the retries are spent. `onRequest` counts every request
 * sent (retries included); `cancelled` makes the error thrown when `signal` aborts. Throws
 * EndpointError (the last attempt's, "after N attempts").
 */
export async function postWithRetries(exchange: HttpExchange, body: string, responseLimit: number, retries: number, onRequest: () => number, cancelled: () => EndpointError): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    if (exchange.signal?.aborted) throw cancelled();
    const requests = onRequest();
    try {
      return await postOnce(exchange, body, responseLimit);
    } catch (e) {
      if (!(e instanceof AttemptFailure)) throw e;
      const { error, retryable, retryAfterMs } = e.attempt;
      if (error.code === 'ENDPOINT_CANCELLED') throw cancelled();
      if (!retryable || attempt >= retries) {
        const suffix = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
        throw new EndpointError(error.code, `${error.message}${suffix}`, { status: error.status, requests, cause: error.cause });
      }
      const backoff = BACKOFF_START_MS * 2 ** attempt;
      try {
        await sleep(Math.max(backoff, retryAfterMs ?? 0), exchange.signal);
      } catch {
        throw cancelled();
      }
    }
  }
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array | null> {
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    buf.set(c, off);
    off += c.byteLength;
  }
  return buf;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
  return undefined;
}

/** Size of a non-2xx answer's body: the only thing about it that is kept. */
function bodySize(bytes: Uint8Array | null): string {
  if (bytes === null) return `; body over ${ERROR_BODY_BYTES} bytes, not recorded`;
  return bytes.byteLength === 0 ? '; empty body' : `; ${bytes.byteLength}-byte body, not recorded`;
}

/** One HTTP exchange. Returns the parsed JSON body of a 2xx answer, or throws AttemptFailure. */
async function postOnce(exchange: HttpExchange, body: string, responseLimit: number): Promise<unknown> {
  const { signal } = exchange;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, exchange.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const where = `POST ${exchange.display}`;
  const transportError = (e: unknown): AttemptFailure => {
    if (signal?.aborted) return new AttemptFailure({ error: fail('ENDPOINT_CANCELLED', `query cancelled (${where})`), retryable: false });
    if (timedOut) {
      return new AttemptFailure({ error: fail('ENDPOINT_TIMEOUT', `no complete answer within ${exchange.timeoutMs} ms (${where})`), retryable: true });
    }
    if (isEgressRefused(e)) {
      // Resolved at connect time to addresses the policy refuses: nothing was sent; not retried.
      return new AttemptFailure({ error: fail('ENDPOINT_FORBIDDEN', `endpoint refused by the egress policy: ${egressRefusalMessage(e)} (${where})`), retryable: false });
    }
    const code = networkErrorCode(e);
    return new AttemptFailure({
      error: fail('ENDPOINT_UNREACHABLE', `endpoint unreachable${code ? ` (${code})` : ''} (${where})`, { cause: e }),
      retryable: true,
    });
  };
  try {
    let res: Response;
    try {
      res = await exchange.fetchFn(exchange.url, { method: 'POST', headers: exchange.headers, body, redirect: 'manual', signal: controller.signal });
    } catch (e) {
      throw transportError(e);
    }
    const certificate = peerCertificateOf(res);
    if (certificate !== null) exchange.certificates.add(certificate);
    const ok = res.status >= 200 && res.status < 300;
    let bytes: Uint8Array | null;
    try {
      bytes = await readLimited(res, ok ? responseLimit : ERROR_BODY_BYTES);
    } catch (e) {
      throw transportError(e);
    }
    if (!ok) {
      const retryable = res.status >= 500 || res.status === 429;
      // Status and size only: the body is never stored or shown (it could be anything the endpoint's host serves).
      const error = fail('ENDPOINT_HTTP_ERROR', `endpoint answered HTTP ${res.status} (${where}${bodySize(bytes)})`, { status: res.status });
      throw new AttemptFailure({ error, retryable, retryAfterMs: retryable ? parseRetryAfter(res.headers.get('retry-after')) : undefined });
    }
    if (bytes === null) throw new AttemptFailure({ error: badAnswer(`answer larger than ${responseLimit} bytes (${where})`), retryable: false });
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new AttemptFailure({ error: badAnswer(`answer is not valid UTF-8 JSON (${where}, HTTP ${res.status})`), retryable: false });
    }
    return json;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(fail('ENDPOINT_CANCELLED', 'query cancelled'));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(fail('ENDPOINT_CANCELLED', 'query cancelled'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
