import { DomainError } from '../errors/domain-error.ts';

/**
 * Failures while querying a deployed model's inference endpoint. Every one of them must end a
 * verification as ERROR (never INTACT or TAMPERED): the endpoint told us nothing trustworthy.
 *
 * - ENDPOINT_INVALID_REQUEST: the caller's arguments are unusable (bad URL, shapes, non-finite inputs).
 * - ENDPOINT_UNREACHABLE: connection refused, DNS failure, connection reset (after retries).
 * - ENDPOINT_TIMEOUT: a request took longer than `timeoutMs` (after retries).
 * - ENDPOINT_HTTP_ERROR: a non-2xx status (4xx at once, 5xx/429 after retries); `status` is set.
 * - ENDPOINT_BAD_RESPONSE: a 2xx answer that is not JSON, has the wrong shape, size or datatype,
 *   or holds non-finite scores.
 * - ENDPOINT_CANCELLED: the caller's AbortSignal fired.
 * - ENDPOINT_FORBIDDEN: the egress policy (egress-policy.ts) refuses the endpoint's address:
 *   loopback, private, link-local and other non-public networks unless FRAGMARK_EGRESS_ALLOW
 *   lists them. Not retried; nothing was sent.
 *
 * Messages never contain the credential, the URL's query string or anything the endpoint sent
 * back (status codes, protocol error classes and sizes only).
 */
export type EndpointErrorCode =
  | 'ENDPOINT_INVALID_REQUEST'
  | 'ENDPOINT_UNREACHABLE'
  | 'ENDPOINT_TIMEOUT'
  | 'ENDPOINT_HTTP_ERROR'
  | 'ENDPOINT_BAD_RESPONSE'
  | 'ENDPOINT_CANCELLED'
  | 'ENDPOINT_FORBIDDEN';

export interface EndpointErrorDetails {
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** HTTP requests sent for this query so far (retries included). */
  readonly requests?: number;
  readonly cause?: unknown;
  /** The offending input field, when the error is reported to an API caller. */
  readonly field?: string[];
}

export class EndpointError extends DomainError<EndpointErrorCode> {
  readonly status: number | undefined;
  readonly requests: number | undefined;

  constructor(code: EndpointErrorCode, message: string, details: EndpointErrorDetails = {}) {
    super(code, message, details.field);
    this.name = 'EndpointError';
    this.status = details.status;
    this.requests = details.requests;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

export function isEndpointError(e: unknown, code?: EndpointErrorCode): e is EndpointError {
  return e instanceof EndpointError && (code === undefined || e.code === code);
}
