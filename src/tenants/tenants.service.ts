/**
 * Tenants: customer organisations. Creating one is a platform-admin act and also mints the
 * tenant's first TENANT_ADMIN key, in the same transaction, so no tenant exists without a way in.
 */
import type { ApiKey, Tenant } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { generateApiKeySecret } from '../api-keys/api-key-secret.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { TenantsError } from './tenants.errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Vault } from '../vault/vault.ts';
import { QUEUE_OF_KIND, type JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';
import { endRecordsOfJobs, TENANT_DELETED_REASON } from './tenant-guard.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import type { TenantsRepository } from './tenants.repository.ts';

const MAX_GRACE_PERIOD_DAYS = 30;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface CreateTenantInput {
  name: string;
  slug?: string | null;
}

export interface CreatedTenant {
  tenant: Tenant;
  adminKey: ApiKey;
  adminKeySecret: string;
}

export interface DeletedTenant {
  tenant: Tenant;
  /** When the tenant's keys are (or were) destroyed. */
  shredAfter: Date;
  /** Queued and running jobs the deletion cancelled. */
  cancelledJobs: number;
}

export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
  ) {}

  /** The caller's tenant (null for platform admins). */
  async current(): Promise<Tenant | null> {
    const actor = requireActor(this.actor);
    if (!actor.tenantId) return null;
    return this.tenants.own(actor.tenantId);
  }

  /**
   * Every tenant, newest first (platform admins only: tenant keys see their own tenant through
   * viewer). active: true leaves out deleted tenants, false keeps only them.
   */
  async list(page: PageRequest, filter: { active?: boolean | null } = {}): Promise<Page<Tenant>> {
    const actor = requireActor(this.actor);
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', 'Only platform admins can list tenants.');
    return this.tenants.list(filter.active, page);
  }

  async create(input: CreateTenantInput): Promise<CreatedTenant> {
    const actor = requireActor(this.actor);
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', 'Only platform admins can create tenants.');
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new TenantsError('INVALID_INPUT', 'name must be 1 to 200 characters.', ['input', 'name']);
    }
    const slug = input.slug?.trim() || slugify(name);
    if (!SLUG.test(slug)) {
      throw new TenantsError(
        'INVALID_INPUT',
        'slug must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen.',
        ['input', 'slug'],
      );
    }
    const generated = generateApiKeySecret();
    try {
      return await this.tenants.transaction(async (tx) => {
        const { tenant, adminKey } = await this.tenants.create(
          tx,
          { name, slug },
          { name: 'First admin key', role: 'TENANT_ADMIN', prefix: generated.displayPrefix, secretHash: generated.hash, createdById: actor.apiKeyId },
        );
        await recordAudit(tx, { tenantId: tenant.id, actorApiKeyId: actor.apiKeyId, action: 'tenant.create', details: { slug } });
        return { tenant, adminKey, adminKeySecret: generated.secret };
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') {
        throw new TenantsError('SLUG_TAKEN', `A tenant with slug "${slug}" already exists.`, ['input', 'slug']);
      }
      throw error;
    }
  }
  /**
   * Deletes a tenant by crypto-shredding: its API keys stop working at once, and after the grace
   * period (0 to 30 days, like cloud KMS deletion windows) its keyring is destroyed, after which
   * none of its secrets can be opened by anyone. Rows and the audit trail stay as metadata.
   * Tenant admins delete their own tenant; platform admins any tenant.
   *
   * Its work stops with it: in the deletion transaction every QUEUED or RUNNING job of the tenant
   * is marked CANCELLED and its record ended (watermark CANCELLED, verification ERROR, enrollment
   * CANCELLED); after the commit the jobs are cancelled in pg-boss too, which aborts running
   * handlers through their signal. Workers re-check the tenant before unsealing and inside their
   * final transaction (tenant-guard.ts), so a job that slipped past this (queued concurrently)
   * unseals, seals and signs nothing. Attestations already issued report revoked
   * (attestationStatus, reason "The tenant was deleted.").
   */
  async delete(id: string, gracePeriodDays: number, now: Date = new Date()): Promise<DeletedTenant> {
    const actor = requireActor(this.actor);
    const allowed = actor.role === 'PLATFORM_ADMIN' || (actor.role === 'TENANT_ADMIN' && actor.tenantId === id);
    if (!allowed) throw new AuthError('FORBIDDEN', 'Only the tenant\'s admins or platform admins can delete a tenant.');
    if (!Number.isInteger(gracePeriodDays) || gracePeriodDays < 0 || gracePeriodDays > MAX_GRACE_PERIOD_DAYS) {
      throw new TenantsError('INVALID_INPUT', `gracePeriodDays must be between 0 and ${MAX_GRACE_PERIOD_DAYS}.`, ['input', 'gracePeriodDays']);
    }
    const existing = await this.tenants.live(id);
    if (!existing) throw new TenantsError('TENANT_NOT_FOUND', 'No such tenant.', ['input', 'id']);
    const shredAfter = new Date(now.getTime() + gracePeriodDays * 86_400_000);
    const { tenant, jobs } = await this.tenants.transaction(async (tx) => {
      // The tenant row first: workers lock it (FOR SHARE) before their job rows too (tenant-guard.ts).
      const deleted = await this.tenants.markDeleted(tx, id, now);
      const active = await this.tenants.unfinishedJobs(tx, id);
      const ids = active.map((j) => j.id);
      if (ids.length > 0) {
        await JobRecords.cancelUnfinished(tx, ids, TENANT_DELETED_REASON.toLowerCase(), now);
        await endRecordsOfJobs(tx, ids, now, { outcome: 'CANCELLED', reason: TENANT_DELETED_REASON });
      }
      await this.vault.scheduleShred(id, shredAfter, { apiKeyId: actor.apiKeyId }, tx);
      await recordAudit(tx, { tenantId: id, actorApiKeyId: actor.apiKeyId, action: 'tenant.delete_requested', details: { gracePeriodDays, cancelledJobs: ids.length } });
      return { tenant: deleted, jobs: active };
    });
    // Outside the transaction (pg-boss has its own connections). A cancel that fails changes
    // nothing that matters: the workers find the job CANCELLED, or the tenant deleted.
    await Promise.allSettled(jobs.map((j) => this.queue.cancel(QUEUE_OF_KIND[j.kind], j.id)));
    if (gracePeriodDays === 0) await this.vault.shredDue(now);
    return { tenant, shredAfter, cancelledJobs: jobs.length };
  }
}

function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
