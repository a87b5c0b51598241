/**
 * Endpoint enrollment: requesting the check of a deployment's serving stack (the work runs in a
 * worker, enrollment-job.ts) and reading enrollments back. README.md says why it exists.
 */
import type { EndpointEnrollment, Job } from '../../db/generated/client.ts';
import type { Actor } from '../../auth/actor.ts';
import { requireTenantRole } from '../../auth/require-role.ts';
import type { Page, PageRequest } from '../../common/pagination.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { JobRecords } from '../../jobs/job-records.ts';
import { RegistryError } from '../../registry/registry.errors.ts';
import type { EndpointInput } from '../../registry/endpoint-spec.ts';
import { NoRegisteredEndpoint, type ResolvedEndpoint } from '../../registry/endpoints.service.ts';
import type { EgressPolicy } from '../../endpoints/egress-policy.ts';
import type { Vault } from '../../vault/vault.ts';
import { requireReadyWatermark } from '../ready-watermark.ts';
import { VerificationsError } from '../verifications.errors.ts';
import { observedMargins, type EnrollmentsRepository, type ObservedMargins } from './enrollments.repository.ts';

export const DEFAULT_ENROLLMENT_ROUNDS = 3;
export const MAX_ENROLLMENT_ROUNDS = 10;
/** Largest share of triggers an enrollment may exclude before it is refused. */
export const DEFAULT_MAX_UNSTABLE_SHARE = 0.1;
/** Rounds alternate between these batch sizes (single requests are how most traffic arrives). */
export const ENROLLMENT_BATCH_SIZES = [16, 1] as const;

export interface EnrollEndpointInput {
  modelVersionId: string;
  watermarkId?: string | null;
  /** A registered endpoint of the version (default: its only one, or the one named "default"). */
  endpointId?: string | null;
  /** An ad-hoc URL instead of a registered endpoint. */
  endpoint?: EndpointInput | null;
  rounds?: number | null;
  maxUnstableShare?: number | null;
}

export class EnrollmentsService {
  /** `enrollments`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly enrollments: EnrollmentsRepository | null,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
  ) {}

  async enroll(input: EnrollEndpointInput): Promise<{ enrollment: EndpointEnrollment; job: Job }> {
    const actor = this.requireRole('OPERATOR');
    const version = await this.enrollments!.version(input.modelVersionId);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    const watermark = requireReadyWatermark(await this.enrollments!.watermark(version.id, input.watermarkId));
    const rounds = input.rounds ?? DEFAULT_ENROLLMENT_ROUNDS;
    if (!Number.isInteger(rounds) || rounds < 2 || rounds > MAX_ENROLLMENT_ROUNDS) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `rounds must be between 2 and ${MAX_ENROLLMENT_ROUNDS}.`, ['input', 'rounds']);
    }
    const maxUnstableShare = input.maxUnstableShare ?? DEFAULT_MAX_UNSTABLE_SHARE;
    if (!(maxUnstableShare >= 0 && maxUnstableShare <= 0.5)) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', 'maxUnstableShare must be between 0 and 0.5.', ['input', 'maxUnstableShare']);
    }
    let endpoint: ResolvedEndpoint;
    try {
      endpoint = await this.enrollments!.endpoint(version, input, this.egress);
    } catch (error) {
      if (!(error instanceof NoRegisteredEndpoint)) throw error;
      throw new VerificationsError('NO_ENDPOINT', 'This version has no registered endpoint: pass an ad-hoc endpoint, or have a tenant admin register one (registerEndpoint).', ['input', 'endpoint']);
    }
    const created = await this.enrollments!.transaction(async (tx) => {
      // Job row and queue entry commit with the enrollment, or not at all.
      const job = await JobRecords.enqueue(this.queue, tx, 'ENROLL', actor.tenantId!);
      const enrollment = await this.enrollments!.create(tx, actor.tenantId!, {
        modelVersionId: version.id,
        watermarkId: watermark.id,
        jobId: job.id,
        endpointId: endpoint.registered?.id ?? null,
        endpointUrl: endpoint.url,
        endpointProtocol: endpoint.protocol,
        endpointModelName: endpoint.modelName,
        endpointInputFormat: endpoint.inputFormat,
        hasEndpointCredential: Boolean(endpoint.adHocCredential),
        rounds,
        batchSizes: [...ENROLLMENT_BATCH_SIZES],
        maxUnstableShare,
      });
      if (endpoint.adHocCredential) {
        await this.vault.seal(
          { tenantId: actor.tenantId!, purpose: 'endpoint-credential', recordId: enrollment.id },
          new TextEncoder().encode(endpoint.adHocCredential),
          { apiKeyId: actor.apiKeyId },
          tx,
        );
      }
      return { enrollment, job };
    });
    return created;
  }

  async get(id: string): Promise<EndpointEnrollment | null> {
    this.requireRole('VIEWER');
    return this.enrollments!.get(id);
  }

  async forJob(jobId: string): Promise<EndpointEnrollment | null> {
    this.requireRole('VIEWER');
    return this.enrollments!.forJob(jobId);
  }

  async forVersion(modelVersionId: string, page: PageRequest): Promise<Page<EndpointEnrollment>> {
    this.requireRole('VIEWER');
    return this.enrollments!.forVersion(modelVersionId, page);
  }

  /** The enrollment's observed margins (`observedMargins`), checked; null when the endpoint returned no scores. */
  observedMargins(enrollment: Pick<EndpointEnrollment, 'observedMargins'>): ObservedMargins | null {
    return observedMargins(enrollment.observedMargins);
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Enrollments');
  }
}

