/**
 * The API edge's error policy, exhaustive over every domain's codes: adding a code to a domain
 * without deciding here how clients see it fails the type check.
 * - `user`: an input problem the caller can fix; returned in the payload's `userErrors`.
 * - `UNAUTHENTICATED` / `FORBIDDEN`: a top-level GraphQL error with that extensions.code.
 * - `internal`: a server-side fault; masked as INTERNAL_SERVER_ERROR and logged.
 * Each code also has its HTTP status, for the REST routes (uploads) and GraphQL's top-level errors.
 */
import { GraphQLError } from 'graphql';
import type { AuthErrorCode } from '../../auth/auth.errors.ts';
import type { PaginationErrorCode } from '../../common/pagination.ts';
import { DomainError } from '../../errors/domain-error.ts';
import type { TenantsErrorCode } from '../../tenants/tenants.errors.ts';
import type { VaultErrorCode } from '../../vault/vault.errors.ts';
import type { RegistryErrorCode } from '../../registry/registry.errors.ts';
import { ARTIFACT_ERROR_HTTP_STATUS, type ArtifactErrorCode } from '../../registry/artifacts/artifact.errors.ts';
import type { JobsErrorCode } from '../../jobs/jobs.errors.ts';
import type { WatermarksErrorCode } from '../../watermarks/watermarks.errors.ts';
import type { VerificationsErrorCode } from '../../verifications/verifications.errors.ts';
import type { EndpointErrorCode } from '../../endpoints/endpoint.errors.ts';
import type { AttestationErrorCode } from '../../attestations/crypto/attestation.errors.ts';
import type { ModelSigningErrorCode } from '../../registry/model-signing/model-signing.errors.ts';
import type { WebhooksErrorCode } from '../../webhooks/webhooks.errors.ts';
import type { MonitoringErrorCode } from '../../monitoring/monitoring.errors.ts';
import type { AttestationsErrorCode } from '../../attestations/attestations.errors.ts';

export type DomainErrorCode =
  | AuthErrorCode
  | TenantsErrorCode
  | PaginationErrorCode
  | VaultErrorCode
  | RegistryErrorCode
  | ArtifactErrorCode
  | JobsErrorCode
  | WatermarksErrorCode
  | VerificationsErrorCode
  | EndpointErrorCode
  | AttestationErrorCode
  | AttestationsErrorCode
  | ModelSigningErrorCode
  | WebhooksErrorCode
  | MonitoringErrorCode;

type Presentation = 'user' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'internal';

/** [how GraphQL presents it, HTTP status]: one row per code of every domain (compiler-checked). */
const PRESENTATION: Record<DomainErrorCode, readonly [Presentation, number]> = {
  UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
  FORBIDDEN: ['FORBIDDEN', 403],
  ROLE_ESCALATION: ['user', 422],
  API_KEY_NOT_FOUND: ['user', 404],
  TENANT_NOT_FOUND: ['user', 404],
  INVALID_INPUT: ['user', 422],
  SLUG_TAKEN: ['user', 409],
  // Pagination arguments sit on queries, which have no userErrors.
  INVALID_PAGE_SIZE: ['BAD_USER_INPUT', 400],
  INVALID_CURSOR: ['BAD_USER_INPUT', 400],
  SECRET_NOT_FOUND: ['user', 404],
  KEY_VERSION_RETIRED: ['user', 422],
  KEYRING_SHREDDED: ['user', 410],
  DECRYPTION_FAILED: ['user', 422],
  REWRAP_PENDING: ['user', 409],
  INVALID_VAULT_INPUT: ['user', 422],
  MODEL_NOT_FOUND: ['user', 404],
  MODEL_NAME_TAKEN: ['user', 409],
  MODEL_VERSION_NOT_FOUND: ['user', 404],
  VERSION_LABEL_TAKEN: ['user', 409],
  VERSION_NOT_READY: ['user', 409],
  VERSION_IMMUTABLE: ['user', 409],
  INVALID_MODEL_INPUT: ['user', 422],
  ENDPOINT_NOT_FOUND: ['user', 404],
  ENDPOINT_NAME_TAKEN: ['user', 409],
  // Several registered endpoints and none named: the caller must say which one.
  ENDPOINT_AMBIGUOUS: ['user', 422],
  UPLOAD_TOO_LARGE: ['user', ARTIFACT_ERROR_HTTP_STATUS.UPLOAD_TOO_LARGE],
  QUOTA_EXCEEDED: ['user', ARTIFACT_ERROR_HTTP_STATUS.QUOTA_EXCEEDED],
  INVALID_UPLOAD: ['user', ARTIFACT_ERROR_HTTP_STATUS.INVALID_UPLOAD],
  INVALID_MODEL: ['user', ARTIFACT_ERROR_HTTP_STATUS.INVALID_MODEL],
  ARTIFACT_CORRUPT: ['internal', ARTIFACT_ERROR_HTTP_STATUS.ARTIFACT_CORRUPT],
  JOB_NOT_FOUND: ['user', 404],
  JOB_FINISHED: ['user', 409],
  INVALID_WATERMARK_INPUT: ['user', 422],
  WATERMARK_TOO_WEAK: ['user', 422],
  WATERMARK_NOT_FOUND: ['user', 404],
  WATERMARK_NOT_READY: ['user', 409],
  NO_ENDPOINT: ['user', 422],
  CANDIDATE_NOT_FOUND: ['user', 404],
  CANDIDATE_EXPIRED: ['user', 410],
  CHALLENGE_NOT_FOUND: ['user', 404],
  CHALLENGE_EXPIRED: ['user', 410],
  CHALLENGE_ANSWERED: ['user', 409],
  CHALLENGE_BUDGET_EXHAUSTED: ['user', 422],
  INVALID_VERIFICATION_INPUT: ['user', 422],
  ATTESTATION_NOT_FOUND: ['user', 404],
  INVALID_ATTESTATION_INPUT: ['user', 422],
  ENROLLMENT_NOT_FOUND: ['user', 404],
  // Endpoint failures become verdicts (ERROR) in the worker; mapped here for completeness.
  ENDPOINT_INVALID_REQUEST: ['user', 422],
  ENDPOINT_UNREACHABLE: ['user', 422],
  ENDPOINT_TIMEOUT: ['user', 422],
  ENDPOINT_HTTP_ERROR: ['user', 422],
  ENDPOINT_BAD_RESPONSE: ['user', 422],
  ENDPOINT_CANCELLED: ['user', 422],
  // The egress policy refuses the endpoint's address (refused at request time for IP literals).
  ENDPOINT_FORBIDDEN: ['user', 422],
  // Attestation tokens are checked offline (fragmark verify-token); the server only signs them.
  TOKEN_MALFORMED: ['user', 422],
  TOKEN_SIGNATURE_INVALID: ['user', 422],
  TOKEN_ALGORITHM_REFUSED: ['user', 422],
  TOKEN_TYPE_INVALID: ['user', 422],
  TOKEN_ISSUER_INVALID: ['user', 422],
  TOKEN_AUDIENCE_INVALID: ['user', 422],
  TOKEN_EXPIRED: ['user', 422],
  TOKEN_NOT_YET_VALID: ['user', 422],
  TOKEN_CLAIMS_INVALID: ['user', 422],
  TOKEN_KEY_UNKNOWN: ['user', 422],
  JWKS_UNAVAILABLE: ['internal', 502],
  SIGNING_KEY_INVALID: ['internal', 500],
  // Revocation checks, DSSE envelopes and evidence bundles are checked by third parties (fragmark
  // verify-token, fragmark evidence verify); the server only issues them.
  TOKEN_REVOKED: ['user', 422],
  TOKEN_UNKNOWN_AT_ISSUER: ['user', 422],
  STATUS_UNAVAILABLE: ['internal', 502],
  ENVELOPE_MALFORMED: ['user', 422],
  ENVELOPE_PAYLOAD_TYPE_INVALID: ['user', 422],
  ENVELOPE_KEY_UNKNOWN: ['user', 422],
  ENVELOPE_SIGNATURE_INVALID: ['user', 422],
  STATEMENT_INVALID: ['user', 422],
  EVIDENCE_MALFORMED: ['user', 422],
  EVIDENCE_MISMATCH: ['user', 422],
  // OpenSSF model signatures and the tenant keys that check them: every refusal is the caller's to fix.
  MODEL_SIGNING_KEY_INVALID: ['user', 422],
  MODEL_SIGNING_KEY_TAKEN: ['user', 409],
  MODEL_SIGNING_KEY_NOT_FOUND: ['user', 404],
  MODEL_SIGNING_KEY_REVOKED: ['user', 422],
  MODEL_SIGNATURE_TOO_LARGE: ['user', 413],
  MODEL_SIGNATURE_MALFORMED: ['user', 422],
  MODEL_SIGNATURE_KEYLESS: ['user', 422],
  MODEL_SIGNATURE_KEY_MISMATCH: ['user', 422],
  MODEL_SIGNATURE_INVALID: ['user', 422],
  MODEL_SIGNATURE_UNSUPPORTED: ['user', 422],
  MODEL_SIGNATURE_DIGEST_MISMATCH: ['user', 422],
  // Webhook subscriptions: every refusal is the caller's to fix (the egress policy's included).
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: ['user', 404],
  INVALID_WEBHOOK_INPUT: ['user', 422],
  WEBHOOK_URL_FORBIDDEN: ['user', 422],
  WEBHOOK_SUBSCRIPTION_LIMIT: ['user', 409],
  WEBHOOK_SUBSCRIPTION_DISABLED: ['user', 409],
  // Monitors (scheduled checks) and their alerts: every refusal is the caller's to fix.
  MONITOR_NOT_FOUND: ['user', 404],
  MONITOR_EXISTS: ['user', 409],
  INVALID_MONITOR_INPUT: ['user', 422],
  MONITOR_LIMIT_REACHED: ['user', 409],
  ALERT_NOT_FOUND: ['user', 404],
};

export interface UserErrorShape {
  __typename: 'InputError';
  code: string;
  message: string;
  field: string[] | null;
}

function rowOf(error: DomainError): readonly [Presentation, number] {
  const row = PRESENTATION[error.code as DomainErrorCode];
  if (!row) throw new Error(`Unmapped domain error code ${error.code}`);
  return row;
}

function presentationOf(error: DomainError): Presentation {
  return rowOf(error)[0];
}

/** The HTTP status of a domain error on the REST routes; server faults are 5xx. */
export function httpStatusOf(error: DomainError): number {
  return rowOf(error)[1];
}

/** A server fault: its message is not shown to clients (logged instead). */
export function isInternal(error: DomainError): boolean {
  return presentationOf(error) === 'internal';
}

/** For queries and fields: every domain error becomes a top-level GraphQL error. */
export function toGraphQLError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const presentation = presentationOf(error);
  if (presentation === 'internal') return error;
  const code = presentation === 'user' ? 'BAD_USER_INPUT' : presentation;
  const status = code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : undefined;
  return new GraphQLError(error.message, {
    extensions: { code, reason: error.code, ...(status ? { http: { status } } : {}) },
  });
}

/**
 * Runs a mutation: its result merged with `userErrors: []`, or, for a user-facing domain
 * error, the payload's result fields left null and the error listed. Anything else is thrown.
 */
export async function mutationPayload<T extends object>(run: () => Promise<T>): Promise<Partial<T> & { userErrors: UserErrorShape[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError && presentationOf(error) === 'user') {
      return {
        userErrors: [{ __typename: 'InputError', code: error.code, message: error.message, field: error.field ?? null }],
      } as Partial<T> & { userErrors: UserErrorShape[] };
    }
    throw toGraphQLError(error);
  }
}

/** For queries: domain errors become GraphQL errors. */
export async function queryResult<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGraphQLError(error);
  }
}
