/**
 * The API edge's error policy, exhaustive over every domain's codes: adding a code to a domain
 * without deciding here how clients see it fails the type check.
 * - `user`: an input problem the caller can fix; returned in the payload's `userErrors`.
 * - `UNAUTHENTICATED` / `FORBIDDEN`: a top-level GraphQL error with that extensions.code.
 * - `internal`: a server-side fault; masked as INTERNAL_SERVER_ERROR and logged.
 */
import { GraphQLError } from 'graphql';
import type { AuthErrorCode } from '../../auth/auth.errors.ts';
import type { PaginationErrorCode } from '../../common/pagination.ts';
import { DomainError } from '../../errors/domain-error.ts';
import type { TenantsErrorCode } from '../../tenants/tenants.errors.ts';
import type { VaultErrorCode } from '../../vault/vault.errors.ts';
import type { RegistryErrorCode } from '../../registry/registry.errors.ts';
import type { ArtifactErrorCode } from '../../registry/artifacts/artifact.errors.ts';
import type { JobsErrorCode } from '../../jobs/jobs.errors.ts';
import type { WatermarksErrorCode } from '../../watermarks/watermarks.errors.ts';
import type { VerificationsErrorCode } from '../../verifications/verifications.errors.ts';
import type { EndpointErrorCode } from '../../endpoints/endpoint.errors.ts';

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
  | EndpointErrorCode;

type Presentation = 'user' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'internal';

const PRESENTATION: Record<DomainErrorCode, Presentation> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  ROLE_ESCALATION: 'user',
  API_KEY_NOT_FOUND: 'user',
  TENANT_NOT_FOUND: 'user',
  INVALID_INPUT: 'user',
  SLUG_TAKEN: 'user',
  // Pagination arguments sit on queries, which have no userErrors.
  INVALID_PAGE_SIZE: 'BAD_USER_INPUT',
  INVALID_CURSOR: 'BAD_USER_INPUT',
  SECRET_NOT_FOUND: 'user',
  KEY_VERSION_RETIRED: 'user',
  KEYRING_SHREDDED: 'user',
  DECRYPTION_FAILED: 'user',
  REWRAP_PENDING: 'user',
  INVALID_VAULT_INPUT: 'user',
  MODEL_NOT_FOUND: 'user',
  MODEL_NAME_TAKEN: 'user',
  MODEL_VERSION_NOT_FOUND: 'user',
  VERSION_LABEL_TAKEN: 'user',
  VERSION_NOT_READY: 'user',
  VERSION_IMMUTABLE: 'user',
  INVALID_MODEL_INPUT: 'user',
  UPLOAD_TOO_LARGE: 'user',
  QUOTA_EXCEEDED: 'user',
  INVALID_UPLOAD: 'user',
  INVALID_MODEL: 'user',
  ARTIFACT_CORRUPT: 'internal',
  JOB_NOT_FOUND: 'user',
  JOB_FINISHED: 'user',
  INVALID_WATERMARK_INPUT: 'user',
  WATERMARK_NOT_FOUND: 'user',
  WATERMARK_NOT_READY: 'user',
  NO_ENDPOINT: 'user',
  CANDIDATE_NOT_FOUND: 'user',
  CANDIDATE_EXPIRED: 'user',
  CHALLENGE_NOT_FOUND: 'user',
  CHALLENGE_EXPIRED: 'user',
  CHALLENGE_ANSWERED: 'user',
  CHALLENGE_BUDGET_EXHAUSTED: 'user',
  INVALID_VERIFICATION_INPUT: 'user',
  ATTESTATION_NOT_FOUND: 'user',
  ENROLLMENT_NOT_FOUND: 'user',
  // Endpoint failures become verdicts (ERROR) in the worker; mapped here for completeness.
  ENDPOINT_INVALID_REQUEST: 'user',
  ENDPOINT_UNREACHABLE: 'user',
  ENDPOINT_TIMEOUT: 'user',
  ENDPOINT_HTTP_ERROR: 'user',
  ENDPOINT_BAD_RESPONSE: 'user',
  ENDPOINT_CANCELLED: 'user',
  // The egress policy refuses the endpoint's address (refused at request time for IP literals).
  ENDPOINT_FORBIDDEN: 'user',
};

export interface UserErrorShape {
  __typename: 'InputError';
  code: string;
  message: string;
  field: string[] | null;
}

function presentationOf(error: DomainError): Presentation {
  const presentation = PRESENTATION[error.code as DomainErrorCode];
  if (!presentation) throw new Error(`Unmapped domain error code ${error.code}`);
  return presentation;
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
