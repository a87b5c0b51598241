/**
 * The audit trail as it is read: the caller's tenant's events through its tenant-scoped client
 * (the platform's for platform admins). Events are written by `recordAudit` (audit.ts), in the
 * transaction of the change they record.
 */
import type { AuditEvent } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';

export interface AuditEventFilter {
  action?: string | null;
  purpose?: string | null;
  recordId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** One tenant's audit events, through its scoped client (src/db/tenant-scope.ts). */
export class AuditRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  /** Newest first; `since` inclusive, `until` exclusive. */
  events(filter: AuditEventFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const where = {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.purpose ? { purpose: filter.purpose } : {}),
      ...(filter.recordId ? { recordId: filter.recordId } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.auditEvent.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.auditEvent.count({ where }),
    );
  }
}
