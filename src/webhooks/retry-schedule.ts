/**
 * When a failed delivery is tried again. The specification ("Deliverability and reliability")
 * recommends "a retry schedule spanning multiple days, with an exponential backoff" and "some
 * level of random jitter", and that a `retry-after` answer "should be taken into consideration".
 * Ours: the n-th retry waits base × 4^(n-1), ±20% jitter, at most 24 hours; a Retry-After
 * (seconds or an HTTP date) can only lengthen that wait, to at most 24 hours. With the defaults
 * (5 s, 10 attempts) the retries come after about 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h,
 * 22.8 h and 24 h: about two days in all, like the specification's example schedule.
 */
export interface RetrySettings {
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Wait before the first retry, in seconds. */
  retryBaseSeconds: number;
}

const GROWTH = 4;
const JITTER = 0.2;
export const MAX_RETRY_DELAY_MS = 24 * 3_600_000;

/**
 * The wait before the attempt after `attempt` (1 for the first attempt), or null when `attempt`
 * was the last one. `random` in [0, 1) picks the jitter.
 */
export function retryDelayMs(attempt: number, settings: RetrySettings, retryAfterMs: number | null = null, random: () => number = Math.random): number | null {
  if (attempt >= settings.maxAttempts) return null;
  const backoff = Math.min(settings.retryBaseSeconds * 1000 * GROWTH ** (attempt - 1), MAX_RETRY_DELAY_MS);
  const jittered = backoff * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(Math.max(jittered, retryAfterMs ?? 0), MAX_RETRY_DELAY_MS));
}

/** A Retry-After header (delay-seconds or an HTTP date, RFC 9110 §10.2.3) in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month ("Tue, 01 Dec 2026 10:01:00 GMT"); Date.parse alone takes "-5" for a year.
  const date = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
