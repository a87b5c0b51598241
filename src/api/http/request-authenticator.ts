/**
 * Who a request is: its `Authorization: Bearer <api key>`, checked against the stored key hashes,
 * with the per-address limit on failed attempts (auth-failure-limiter.ts) applied before the
 * key is even looked at.
 */
import type http from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Database } from '../../db/client.ts';
import type { Actor } from '../../auth/actor.ts';
import { ApiKeyAuthenticator } from '../../api-keys/api-keys.service.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { AuthFailureLimiter } from './auth-failure-limiter.ts';

/** The client's address has failed authentication too often. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed authentications');
  }

  /** What the client is told. */
  get clientMessage(): string {
    return `Too many failed authentications from your address; try again in ${this.retryAfterSeconds} s.`;
  }
}

export class RequestAuthenticator {
  private readonly keys: ApiKeyAuthenticator;
  private readonly failures: AuthFailureLimiter;

  constructor(
    db: Database,
    private readonly settings: Config['http']['authFailures'],
  ) {
    this.keys = new ApiKeyAuthenticator(db);
    this.failures = new AuthFailureLimiter(settings);
  }

  /**
   * null without an Authorization header; a DomainError UNAUTHENTICATED for a bad one, or
   * RateLimited (without looking at the key) once the client's address has failed too often.
   */
  async authenticate(req: http.IncomingMessage, log: Logger): Promise<Actor | null> {
    const authorization = req.headers.authorization;
    if (authorization === undefined) return null;
    const address = req.socket.remoteAddress;
    const retryAfter = this.failures.retryAfterSeconds(address);
    if (retryAfter > 0) throw new RateLimited(retryAfter);
    try {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new DomainError('UNAUTHENTICATED', 'Authorization must be "Bearer <api key>".');
      return await this.keys.authenticate(match[1]!);
    } catch (error) {
      if (error instanceof DomainError && this.failures.recordFailure(address)) {
        log.warn('too many failed authentications: refusing further attempts from this address for a while', {
          address,
          limit: this.settings.limit,
          windowSeconds: this.settings.windowSeconds,
        });
      }
      throw error;
    }
  }
}
