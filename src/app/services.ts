/**
 * The domain services of one request, bound to the caller. Services receive their workflow's
 * repository, built here on the request's one tenant-scoped client (src/db/tenant-scope.ts; null
 * without a caller, and every service then refuses before reading), and the actor. Platform-wide
 * services (tenants, key management) and the public status of attestation tokens read on the
 * root client; their services check roles first.
 */
import type { Actor } from '../auth/actor.ts';
import { ApiKeysService } from '../api-keys/api-keys.service.ts';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.ts';
import type { Database } from '../db/client.ts';
import { TenantsService } from '../tenants/tenants.service.ts';
import { TenantsRepository } from '../tenants/tenants.repository.ts';
import { AuditService } from '../audit/audit.service.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { KeyManagementService, type RewrapSettings } from '../keys/key-management.service.ts';
import { KeysRepository } from '../keys/keys.repository.ts';
import type { Vault } from '../vault/vault.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobsService } from '../jobs/jobs.service.ts';
import { JobsRepository } from '../jobs/jobs.repository.ts';
import { ModelsService } from '../registry/models.service.ts';
import { EndpointsService } from '../registry/endpoints.service.ts';
import { ModelsRepository } from '../registry/models.repository.ts';
import { EndpointsRepository } from '../registry/endpoints.repository.ts';
import type { ModelArtifacts } from '../registry/artifacts/model-artifacts.ts';
import { WatermarksService } from '../watermarks/watermarks.service.ts';
import { WatermarksRepository } from '../watermarks/watermarks.repository.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import { VerificationsService } from '../verifications/verifications.service.ts';
import { VerificationsRepository } from '../verifications/verifications.repository.ts';
import { ChallengesService, type ChallengeSettings } from '../verifications/challenges.service.ts';
import { ChallengesRepository } from '../verifications/challenges.repository.ts';
import type { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { AttestationsRepository } from '../attestations/attestations.repository.ts';
import { AttestationsService } from '../attestations/attestations.service.ts';
import { VerificationHistory } from '../verifications/verification-history.ts';
import { VerificationHistoryRepository } from '../verifications/verification-history.repository.ts';
import { EnrollmentsService } from '../verifications/enrollment/enrollments.service.ts';
import { EnrollmentsRepository } from '../verifications/enrollment/enrollments.repository.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { ModelSigningKeysService } from '../registry/model-signing/model-signing-keys.service.ts';
import { ModelSignaturesService } from '../registry/model-signing/model-signatures.service.ts';
import { ModelSigningRepository } from '../registry/model-signing/model-signing.repository.ts';
import { WebhookSubscriptionsService } from '../webhooks/webhook-subscriptions.service.ts';
import { WebhooksRepository } from '../webhooks/webhooks.repository.ts';
import { MonitorsService } from '../monitoring/monitors.service.ts';
import { MonitorsRepository } from '../monitoring/monitors.repository.ts';
import type { Config } from '../config/config.ts';

/** What every request's services share: built once at start-up. */
export interface Platform {
  db: Database;
  vault: Vault;
  queue: JobQueue;
  store: ModelArtifacts;
  issuer: AttestationIssuer;
  challenges: ChallengeSettings;
  /** Which endpoint addresses may be named (egressPolicyFrom(config): FRAGMARK_EGRESS_ALLOW). */
  egress: EgressPolicy;
  /** Defaults to DEFAULT_REWRAP_SETTINGS. */
  rewrap?: RewrapSettings;
  /** How long uploaded candidate artifacts stay usable (FRAGMARK_CANDIDATE_TTL_HOURS); defaults to 7 days. */
  candidateTtlMs?: number;
  /** Monitors' limits (config.monitoring). */
  monitoring: Config['monitoring'];
}

export interface Services {
  apiKeys: ApiKeysService;
  tenants: TenantsService;
  keys: KeyManagementService;
  audit: AuditService;
  models: ModelsService;
  endpoints: EndpointsService;
  jobs: JobsService;
  watermarks: WatermarksService;
  verifications: VerificationsService;
  challenges: ChallengesService;
  enrollments: EnrollmentsService;
  history: VerificationHistory;
  attestations: AttestationsService;
  modelSigningKeys: ModelSigningKeysService;
  modelSignatures: ModelSignaturesService;
  webhooks: WebhookSubscriptionsService;
  monitors: MonitorsService;
}

export function createServices({ db, vault, queue, issuer, challenges, egress, rewrap, candidateTtlMs, monitoring }: Platform, actor: Actor | null): Services {
  // One tenant-scoped client per request, shared by every repository (src/db/tenant-scope.ts).
  const scoped = actor ? scopeToTenant(db, actor.tenantId) : null;
  const forTenant = <R>(make: (client: TenantDatabase) => R): R | null => (scoped ? make(scoped) : null);
  return {
    apiKeys: new ApiKeysService(actor ? new ApiKeysRepository(db, actor.tenantId) : null, actor),
    tenants: new TenantsService(new TenantsRepository(db), vault, queue, actor),
    keys: new KeyManagementService(new KeysRepository(db), vault, queue, actor, rewrap),
    audit: new AuditService(forTenant((c) => new AuditRepository(c)), actor),
    models: new ModelsService(forTenant((c) => new ModelsRepository(c, db)), vault, actor, egress),
    endpoints: new EndpointsService(forTenant((c) => new EndpointsRepository(c, db)), vault, actor, egress),
    jobs: new JobsService(forTenant((c) => new JobsRepository(c)), queue, actor),
    watermarks: new WatermarksService(forTenant((c) => new WatermarksRepository(c)), queue, actor),
    verifications: new VerificationsService(forTenant((c) => new VerificationsRepository(c, db)), vault, queue, actor, egress, candidateTtlMs),
    challenges: new ChallengesService(forTenant((c) => new ChallengesRepository(c, db)), vault, issuer, challenges, actor),
    enrollments: new EnrollmentsService(forTenant((c) => new EnrollmentsRepository(c, db)), vault, queue, actor, egress),
    history: new VerificationHistory(new VerificationHistoryRepository(db, actor?.tenantId ?? null)),
    attestations: new AttestationsService(new AttestationsRepository(db, actor?.tenantId ? scoped : null), issuer, actor),
    modelSigningKeys: new ModelSigningKeysService(forTenant((c) => new ModelSigningRepository(c)), actor),
    modelSignatures: new ModelSignaturesService(forTenant((c) => new ModelSigningRepository(c)), actor),
    webhooks: new WebhookSubscriptionsService(forTenant((c) => new WebhooksRepository(c)), vault, queue, actor, egress),
    monitors: new MonitorsService(forTenant((c) => new MonitorsRepository(c)), actor, monitoring),
  };
}
