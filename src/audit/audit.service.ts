/** Reading the audit trail: admins see their tenant's events (platform admins, the platform's). */
import type { AuditEvent } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { isAtLeast } from '../auth/roles.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import type { AuditEventFilter, AuditRepository } from './audit.repository.ts';

export type { AuditEventFilter } from './audit.repository.ts';

export class AuditService {
  /** `audit`: the caller's tenant's repository (the platform's for platform admins); null without a caller (refused first). */
  constructor(
    private readonly audit: AuditRepository | null,
    private readonly actor: Actor | null,
  ) {}

  async list(page: PageRequest, filter: AuditEventFilter = {}): Promise<Page<AuditEvent>> {
    const actor = requireActor(this.actor);
    if (!isAtLeast(actor.role, 'TENANT_ADMIN')) throw new AuthError('FORBIDDEN', 'Only admins can read the audit trail.');
    return this.audit!.events(filter, page);
  }
}
