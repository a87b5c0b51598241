/**
 * The enrollment workflow's database access: what EnrollmentsService reads and writes through the
 * caller's tenant-scoped client, what the enrollment job loads, and the parsing of the
 * enrollment's JSON column `observedMargins` (checked here, so no caller casts it).
 */
import type { Database, Transaction } from '../../db/client.ts';
import type { EndpointEnrollment, Prisma } from '../../db/generated/client.ts';
import type { TenantDatabase } from '../../db/tenant-scope.ts';
import { isUuid } from '../../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../../common/pagination.ts';
import { CheckTargetsRepository } from '../check-targets.repository.ts';

/** Observed top-1 minus top-2 scores of the stable triggers (`EndpointEnrollment.observedMargins`). */
export interface ObservedMargins {
  min: number;
  median: number;
}

/** The columns a new enrollment is created with (its tenant is the caller's). */
export type NewEnrollment = Omit<Prisma.EndpointEnrollmentUncheckedCreateInput, 'id' | 'tenantId' | 'observedMargins'>;

/** Which endpoint an ENDPOINT verification names, to find the enrollment made there. */
export interface EnrolledAt {
  watermarkId: string;
  endpointUrl: string;
  endpointProtocol: EndpointEnrollment['endpointProtocol'];
  endpointModelName: string;
  endpointInputFormat: EndpointEnrollment['endpointInputFormat'];
}

/** One tenant's enrollments, through its scoped client (src/db/tenant-scope.ts). */
export class EnrollmentsRepository extends CheckTargetsRepository {
  /** In the caller's transaction (with its job and sealed credential). */
  create(tx: Transaction, tenantId: string, fields: NewEnrollment): Promise<EndpointEnrollment> {
    return tx.endpointEnrollment.create({ data: { ...fields, tenantId } });
  }

  get(id: string): Promise<EndpointEnrollment | null> {
    return isUuid(id) ? this.scoped.endpointEnrollment.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  forJob(jobId: string): Promise<EndpointEnrollment | null> {
    return this.scoped.endpointEnrollment.findUnique({ where: { jobId } });
  }

  forVersion(modelVersionId: string, page: PageRequest): Promise<Page<EndpointEnrollment>> {
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.endpointEnrollment.findMany({ where: { modelVersionId, ...cursorWhere }, take, orderBy }),
      () => this.scoped.endpointEnrollment.count({ where: { modelVersionId } }),
    );
  }

  /** The enrollment an ENDPOINT verification of the tenant queries (findEnrollment). */
  enrolledAt(where: EnrolledAt): Promise<EndpointEnrollment | null> {
    return findEnrollment(this.scoped, where);
  }
}

/**
 * The newest ENROLLED enrollment of this watermark at exactly this endpoint (URL, protocol, model
 * name and input format), whose stable triggers an ENDPOINT verification queries; null if none.
 */
export function findEnrollment(db: TenantDatabase | Database | Transaction, where: EnrolledAt): Promise<EndpointEnrollment | null> {
  return db.endpointEnrollment.findFirst({ where: { ...where, status: 'ENROLLED' }, orderBy: { id: 'desc' } });
}

/** An enrollment job with what it checks, as the worker loads it (no tenant scope: jobs are the platform's). */
export function jobWithEnrollment(db: Database, jobId: string) {
  return db.endpointEnrollment.findUnique({ where: { jobId }, include: { watermark: true, modelVersion: true, job: true, endpoint: true } });
}

/** The job's final write, in its transaction (fenced and tenant-checked by the caller). */
export function completeEnrollment(
  tx: Transaction,
  id: string,
  { observedMargins: margins, ...data }: Omit<Prisma.EndpointEnrollmentUpdateInput, 'observedMargins' | 'completedAt'> & { observedMargins?: ObservedMargins },
): Promise<EndpointEnrollment> {
  const observed = margins ? { observedMargins: { min: margins.min, median: margins.median } } : {};
  return tx.endpointEnrollment.update({ where: { id }, data: { ...data, ...observed, completedAt: new Date() } });
}

/** `EndpointEnrollment.observedMargins` checked, not cast: null when absent, refused when altered into anything else. */
export function observedMargins(json: unknown): ObservedMargins | null {
  if (json === null || json === undefined) return null;
  const { min, median } = (typeof json === 'object' && !Array.isArray(json) ? json : {}) as Partial<Record<keyof ObservedMargins, unknown>>;
  if (typeof min !== 'number' || !Number.isFinite(min) || typeof median !== 'number' || !Number.isFinite(median)) {
    throw new Error('The enrollment\'s stored observed margins are damaged (min, median).');
  }
  return { min, median };
}
