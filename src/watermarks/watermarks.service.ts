/**
 * Watermarks: requesting a fragile trigger set for a model version (the work runs in a worker,
 * watermark-job.ts) and reading watermarks back. Triggers and labels never leave the vault here.
 */
import type { Database } from '../db/client.ts';
import type { Job, Watermark } from '../db/generated/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';
import { RegistryError } from '../registry/registry.errors.ts';
import { checkObjectiveFits, domainToJson, isEngineError } from '../engine/index.ts';
import { WatermarksError } from './watermarks.errors.ts';
import { versionInputDomain } from '../registry/input-domain.ts';
import { resolveWatermarkSettings, WATERMARK_SCHEME, type WatermarkRequest } from './watermark-settings.ts';

export interface StartWatermarkInput extends WatermarkRequest {
  modelVersionId: string;
}

export class WatermarksService {
  private readonly scoped: TenantDatabase | null;

  constructor(
    db: Database,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
  ) {
    this.scoped = actor ? scopeToTenant(db, actor.tenantId) : null;
  }

  /** Creates the watermark and its job, then queues the job. */
  async start(input: StartWatermarkInput): Promise<{ watermark: Watermark; job: Job }> {
    const actor = this.requireRole('OPERATOR');
    const settings = resolveWatermarkSettings(input);
    const version = isUuid(input.modelVersionId) ? await this.scoped!.modelVersion.findUnique({ where: { id: input.modelVersionId } }) : null;
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    if (version.status !== 'READY') {
      throw new RegistryError('VERSION_NOT_READY', 'Upload the version\'s artifact before watermarking it.', ['input', 'modelVersionId']);
    }
    const domain = versionInputDomain(version);
    try {
      checkObjectiveFits(settings.method, domain, settings.profile);
    } catch (error) {
      if (isEngineError(error, 'INVALID_ARGUMENT')) throw new WatermarksError('INVALID_WATERMARK_INPUT', `${error.message}.`, ['input', 'method']);
      throw error;
    }
    const { watermark, job } = await this.scoped!.$transaction(async (tx) => {
      // Job row and queue entry commit with the watermark, or not at all.
      const job = await JobRecords.enqueue(this.queue, tx, 'WATERMARK', actor.tenantId!);
      const watermark = await tx.watermark.create({
        data: {
          tenantId: actor.tenantId!,
          modelVersionId: version.id,
          jobId: job.id,
          scheme: WATERMARK_SCHEME,
          method: settings.method,
          triggerCount: settings.triggerCount,
          parameters: { lambda: settings.lambda, maxSteps: settings.maxSteps },
          policy: settings.policy,
          profile: settings.profile,
          inputDomain: domainToJson(domain),
          allowWeak: settings.allowWeak,
        },
      });
      return { watermark, job };
    });
    return { watermark, job };
  }

  async get(id: string): Promise<Watermark | null> {
    this.requireRole('VIEWER');
    return isUuid(id) ? this.scoped!.watermark.findUnique({ where: { id } }) : null;
  }

  async forVersion(modelVersionId: string, page: PageRequest): Promise<Page<Watermark>> {
    this.requireRole('VIEWER');
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.watermark.findMany({ where: { modelVersionId, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.watermark.count({ where: { modelVersionId } }),
    );
  }

  async forJob(jobId: string): Promise<Watermark | null> {
    this.requireRole('VIEWER');
    return this.scoped!.watermark.findUnique({ where: { jobId } });
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Watermarks');
  }
}
