import type { Role } from './roles.ts';

/** Who is calling: resolved from the API key once per request. */
export interface Actor {
  apiKeyId: string;
  role: Role;
  /** null for platform admins, who belong to no tenant. */
  tenantId: string | null;
}
