/**
 * The domain services of one request, bound to the caller. Services receive their workflow's
 * repository, built here on the caller's tenant-scoped client (src/db/tenant-scope.ts), and the
 * actor; services not moved yet still receive the database and scope inside.
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
import type { ModelArtifacts } from '../registry/artifacts/model-artifacts.ts';
import { WatermarksService } from '../watermarks/watermarks.service.ts';
import { WatermarksRepository } from '../watermarks/watermarks.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { VerificationsService } from '../verifications/verifications.service.ts';
import { ChallengesService, type ChallengeSettings } from '../verifications/challenges.service.ts';
import type { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { AttestationsService } from '../attestations/attestations.service.ts';
import { VerificationHistory } from '../verifications/verification-history.ts';
import { EnrollmentsService } from '../verifications/enrollment/enrollments.service.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { ModelSigningKeysService } from '../registry/model-signing/model-signing-keys.service.ts';
import { ModelSignaturesService } from '../registry/model-signing/model-signatures.service.ts';
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
  return {
    apiKeys: new ApiKeysService(actor ? new ApiKeysRepository(db, actor.tenantId) : null, actor),
    tenants: new TenantsService(new TenantsRepository(db), vault, queue, actor),
    keys: new KeyManagementService(new KeysRepository(db), vault, queue, actor, rewrap),
    audit: new AuditService(actor ? new AuditRepository(scopeToTenant(db, actor.tenantId)) : null, actor),
    models: new ModelsService(db, vault, actor, egress),
    endpoints: new EndpointsService(db, vault, actor, egress),
    jobs: new JobsService(actor ? new JobsRepository(scopeToTenant(db, actor.tenantId)) : null, queue, actor),
    watermarks: new WatermarksService(actor ? new WatermarksRepository(scopeToTenant(db, actor.tenantId)) : null, queue, actor),
    verifications: new VerificationsService(db, vault, queue, actor, egress, candidateTtlMs),
    challenges: new ChallengesService(db, vault, issuer, challenges, actor),
    enrollments: new EnrollmentsService(db, vault, queue, actor, egress),
    history: new VerificationHistory(db, actor?.tenantId ?? null),
    attestations: new AttestationsService(db, issuer, actor),
    modelSigningKeys: new ModelSigningKeysService(db, actor),
    modelSignatures: new ModelSignaturesService(db, actor),
    webhooks: new WebhookSubscriptionsService(actor ? new WebhooksRepository(scopeToTenant(db, actor.tenantId)) : null, vault, queue, actor, egress),
    monitors: new MonitorsService(actor ? new MonitorsRepository(scopeToTenant(db, actor.tenantId)) : null, actor, monitoring),
  };
}
