import type { Actor } from './actor.ts';
import { AuthError, requireActor } from './auth.errors.ts';
import { isAtLeast, type Role } from './roles.ts';

/**
 * The caller, who must hold a tenant key of at least `role`: what every tenant-owned domain
 * (models, jobs, watermarks, verifications) asks before anything else. `things` names what
 * belongs to tenants, for the message.
 */
export function requireTenantRole(actor: Actor | null, role: Role, things: string): Actor & { tenantId: string } {
  const caller = requireActor(actor);
  if (!caller.tenantId) throw new AuthError('FORBIDDEN', `${things} belong to tenants: use a tenant API key.`);
  if (!isAtLeast(caller.role, role)) throw new AuthError('FORBIDDEN', `This needs an ${role} key or stronger.`);
  return caller as Actor & { tenantId: string };
}
