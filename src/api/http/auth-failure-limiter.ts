/**
 * Rate limit on failed API-key authentications, per client address: an in-memory token bucket
 * per address holding `limit` tokens and refilling `limit` per `windowSeconds`. Every failed
 * authentication takes a token; while an address has less than one token, its requests that
 * carry an Authorization header are answered 429 (with Retry-After) before the key is looked at,
 * so a blocked client learns nothing about the keys it tries, valid or not.
 *
 * Failures of requests that were already in flight when the bucket ran dry are still counted and
 * may take it below zero: a burst of parallel guesses is paid back by a longer block, so no client
 * averages more than `limit` failures per window. Successful authentications cost nothing.
 *
 * The address is the TCP peer's: behind a reverse proxy every client shares the proxy's address
 * (and its bucket). IPv6 clients are grouped by /64, the block one subscriber usually holds.
 * State is per process: with several replicas each one counts on its own.
 */
import { isIPv6 } from 'node:net';

export interface AuthFailureLimits {
  /** Failures allowed per window; 0 turns the limiter off. */
  limit: number;
  windowSeconds: number;
}

interface Bucket {
  tokens: number;
  /** Clock reading (ms) at which `tokens` was last brought up to date. */
  at: number;
}

/** Buckets kept at most; beyond it the least recently failed addresses are forgotten. */
const MAX_TRACKED_ADDRESSES = 50_000;

export class AuthFailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limits: AuthFailureLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = limits.limit / (limits.windowSeconds * 1000);
  }

  /** Seconds the client must wait before its next authentication is looked at; 0 when it may go on. */
  retryAfterSeconds(address: string | undefined): number {
    if (this.limits.limit === 0) return 0;
    const bucket = this.current(clientKey(address));
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  /** Counts one failed authentication; true when this one used up the address's allowance. */
  recordFailure(address: string | undefined): boolean {
    if (this.limits.limit === 0) return false;
    const key = clientKey(address);
    const bucket = this.current(key) ?? { tokens: this.limits.limit, at: this.now() };
    const wasOpen = bucket.tokens >= 1;
    bucket.tokens -= 1;
    // Re-inserted so the map stays ordered by last failure (oldest first) for the eviction below.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_TRACKED_ADDRESSES) this.evict();
    return wasOpen && bucket.tokens < 1;
  }

  /** The address's bucket refilled up to now; undefined when it is full (nothing to remember). */
  private current(key: string): Bucket | undefined {
    const bucket = this.buckets.get(key);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.limits.limit, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens >= this.limits.limit) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }

  private evict(): void {
    for (const key of this.buckets.keys()) {
      this.buckets.delete(key);
      if (this.buckets.size <= MAX_TRACKED_ADDRESSES * 0.9) return;
    }
  }
}

/** The bucket key of a peer address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
