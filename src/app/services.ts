/**
 * The domain services of one request, bound to the caller. Services receive the database and
 * the actor; tenant scoping happens inside them through src/db/tenant-scope.ts.
 */
import type { Actor } from '../auth/actor.ts';
import { ApiKeysService } from '../auth/api-keys.service.ts';
import type { Database } from '../db/client.ts';
import { TenantsService } from '../tenants/tenants.service.ts';

export interface Services {
  apiKeys: ApiKeysService;
  tenants: TenantsService;
}

export function createServices(db: Database, actor: Actor | null): Services {
  return {
    apiKeys: new ApiKeysService(db, actor),
    tenants: new TenantsService(db, actor),
  };
}
