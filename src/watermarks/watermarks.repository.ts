/**
 * The watermarks workflow's database access: what the service reads and writes through the
 * caller's tenant-scoped client, what the job loads, and the parsing of the watermark's JSON
 * columns (checked here, so no caller casts them).
 */
import type { Database } from '../db/client.ts';
import type { Job, ModelVersion, Prisma, Watermark } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';

/** A watermark's generation parameters as stored (`Watermark.parameters`). */
export interface GenerationParameters {
  lambda: number;
  maxSteps: number;
}

/** The columns a new watermark is created with (its tenant comes from the scoped client). */
export type NewWatermark = Omit<Prisma.WatermarkUncheckedCreateInput, 'id' | 'jobId' | 'tenantId' | 'parameters'> & { parameters: GenerationParameters };

/** One tenant's watermarks, through its scoped client (src/db/tenant-scope.ts). */
export class WatermarksRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  /** A model version of the tenant, or null (also for ids that are not UUIDs). */
  version(id: string): Promise<ModelVersion | null> {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The watermark and its job, with the queue entry, in one transaction: all three or nothing. */
  createWithJob(queue: JobQueue, tenantId: string, fields: NewWatermark): Promise<{ watermark: Watermark; job: Job }> {
    return this.scoped.$transaction(async (tx) => {
      const job = await JobRecords.enqueue(queue, tx, 'WATERMARK', tenantId);
      const { lambda, maxSteps } = fields.parameters;
      const watermark = await tx.watermark.create({ data: { ...fields, parameters: { lambda, maxSteps }, tenantId, jobId: job.id } });
      return { watermark, job };
    });
  }

  get(id: string): Promise<Watermark | null> {
    return isUuid(id) ? this.scoped.watermark.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  forJob(jobId: string): Promise<Watermark | null> {
    return this.scoped.watermark.findUnique({ where: { jobId } });
  }

  forVersion(modelVersionId: string, page: PageRequest): Promise<Page<Watermark>> {
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.watermark.findMany({ where: { modelVersionId, ...cursorWhere }, take, orderBy }),
      () => this.scoped.watermark.count({ where: { modelVersionId } }),
    );
  }
}

/** A watermark job with its watermark and model version, as the worker loads it (no tenant scope: jobs are the platform's). */
export function jobWithWatermark(db: Database, jobId: string) {
  return db.job.findUnique({ where: { id: jobId }, include: { watermark: { include: { modelVersion: true } } } });
}

/** `Watermark.parameters` checked, not cast: a row altered into anything else is refused. */
export function generationParameters(json: unknown): GenerationParameters {
  const { lambda, maxSteps } = (typeof json === 'object' && json !== null ? json : {}) as Partial<Record<keyof GenerationParameters, unknown>>;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0 || typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < 0) {
    throw new Error('The watermark\'s stored generation parameters are damaged (lambda, maxSteps).');
  }
  return { lambda, maxSteps };
}
