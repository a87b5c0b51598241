import type { Actor } from '../auth/actor.ts';
import type { Logger } from '../logging/logger.ts';
import type { Platform, Services } from '../app/services.ts';

/** Per-request context: built once by the HTTP layer after authentication. */
export interface GraphQLContext {
  actor: Actor | null;
  services: Services;
  /** Shared platform parts, for the few public resolvers that need no tenant scope. */
  platform: Platform;
  requestId: string;
  logger: Logger;
}
