/**
 * The domain services of one request, bound to the caller. Services receive the database and
 * the actor; tenant scoping happens inside them through src/db/tenant-scope.ts.
 */
import type { Actor } from '../auth/actor.ts';
import { ApiKeysService } from '../auth/api-keys.service.ts';
import type { Database } from '../db/client.ts';
import { TenantsService } from '../tenants/tenants.service.ts';
import { AuditService } from '../audit/audit.service.ts';
import { KeyManagementService } from '../vault/key-management.service.ts';
import type { Vault } from '../vault/vault.ts';

/** What every request's services share: built once at start-up. */
export interface Platform {
  db: Database;
  vault: Vault;
}

export interface Services {
  apiKeys: ApiKeysService;
  tenants: TenantsService;
  keys: KeyManagementService;
  audit: AuditService;
}

export function createServices({ db, vault }: Platform, actor: Actor | null): Services {
  return {
    apiKeys: new ApiKeysService(db, actor),
    tenants: new TenantsService(db, vault, actor),
    keys: new KeyManagementService(db, vault, actor),
    audit: new AuditService(db, actor),
  };
}
