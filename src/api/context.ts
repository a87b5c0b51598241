import type { Actor } from '../auth/actor.ts';
import type { Logger } from '../logging/logger.ts';
import type { Services } from '../app/services.ts';

/** Per-request context: built once by the HTTP layer after authentication. */
export interface GraphQLContext {
  actor: Actor | null;
  services: Services;
  requestId: string;
  logger: Logger;
}
