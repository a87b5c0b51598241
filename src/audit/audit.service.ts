/** Reading the audit trail: admins see their tenant's events (platform admins, the platform's). */
import type { Database } from '../db/client.ts';
import type { AuditEvent } from '../db/generated/client.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { isAtLeast } from '../auth/roles.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';

export interface AuditEventFilter {
  action?: string | null;
  purpose?: string | null;
  recordId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly actor: Actor | null,
  ) {}

  async list(page: PageRequest, filter: AuditEventFilter = {}): Promise<Page<AuditEvent>> {
    const actor = requireActor(this.actor);
    if (!isAtLeast(actor.role, 'TENANT_ADMIN')) throw new AuthError('FORBIDDEN', 'Only admins can read the audit trail.');
    const scoped = scopeToTenant(this.db, actor.tenantId);
    const where = {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.purpose ? { purpose: filter.purpose } : {}),
      ...(filter.recordId ? { recordId: filter.recordId } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => scoped.auditEvent.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => scoped.auditEvent.count({ where }),
    );
  }
}
