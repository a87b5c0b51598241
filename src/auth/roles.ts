/**
 * Roles, strongest first. A key can only mint keys of its own role or weaker, so no chain of
 * keys ever gains rights (role escalation is refused in api-keys.service.ts).
 */
export const ROLES = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'OPERATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { PLATFORM_ADMIN: 4, TENANT_ADMIN: 3, OPERATOR: 2, VIEWER: 1 };

export function isAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
