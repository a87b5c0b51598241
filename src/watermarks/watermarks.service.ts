/**
 * Watermarks: requesting a fragile trigger set for a model version (the work runs in a worker,
 * watermark-job.ts) and reading watermarks back. Triggers and labels never leave the vault here.
 */
import type { Job, Watermark } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { WatermarksRepository } from './watermarks.repository.ts';
import { RegistryError } from '../registry/registry.errors.ts';
import { checkObjectiveFits, domainToJson, isEngineError } from '../engine/index.ts';
import { WatermarksError } from './watermarks.errors.ts';
import { versionInputDomain } from '../registry/input-domain.ts';
import { maxTriggersFor, resolveWatermarkSettings, WATERMARK_SCHEME, type WatermarkRequest } from './watermark-settings.ts';
import { MAX_SECRET_BYTES } from '../vault/vault.ts';

export interface StartWatermarkInput extends WatermarkRequest {
  modelVersionId: string;
}

export class WatermarksService {
  /** `watermarks`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly watermarks: WatermarksRepository | null,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
  ) {}

  /** Creates the watermark and its job, then queues the job. */
  async start(input: StartWatermarkInput): Promise<{ watermark: Watermark; job: Job }> {
    const actor = this.requireRole('OPERATOR');
    const settings = resolveWatermarkSettings(input);
    const version = await this.watermarks!.version(input.modelVersionId);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    if (version.status !== 'READY') {
      throw new RegistryError('VERSION_NOT_READY', 'Upload the version\'s artifact before watermarking it.', ['input', 'modelVersionId']);
    }
    const fit = maxTriggersFor(version.inputShape);
    if (settings.triggerCount > fit) {
      throw new WatermarksError(
        'INVALID_WATERMARK_INPUT',
        `triggerCount: ${settings.triggerCount} triggers of this model's input [${version.inputShape.join(', ')}] make a trigger set larger than the ${MAX_SECRET_BYTES / 2 ** 20} MB the vault seals in one piece; ask for at most ${fit}.`,
        ['input', 'triggerCount'],
      );
    }
    const domain = versionInputDomain(version);
    try {
      checkObjectiveFits(settings.method, domain, settings.profile);
    } catch (error) {
      if (isEngineError(error, 'INVALID_ARGUMENT')) throw new WatermarksError('INVALID_WATERMARK_INPUT', `${error.message}.`, ['input', 'method']);
      throw error;
    }
    // Job row and queue entry commit with the watermark, or not at all.
    return this.watermarks!.createWithJob(this.queue, actor.tenantId!, {
      modelVersionId: version.id,
      scheme: WATERMARK_SCHEME,
      method: settings.method,
      triggerCount: settings.triggerCount,
      parameters: { lambda: settings.lambda, maxSteps: settings.maxSteps },
      policy: settings.policy,
      profile: settings.profile,
      inputDomain: domainToJson(domain),
      allowWeak: settings.allowWeak,
    });
  }

  async get(id: string): Promise<Watermark | null> {
    this.requireRole('VIEWER');
    return this.watermarks!.get(id);
  }

  async forVersion(modelVersionId: string, page: PageRequest): Promise<Page<Watermark>> {
    this.requireRole('VIEWER');
    return this.watermarks!.forVersion(modelVersionId, page);
  }

  async forJob(jobId: string): Promise<Watermark | null> {
    this.requireRole('VIEWER');
    return this.watermarks!.forJob(jobId);
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Watermarks');
  }
}
