/**
 * Step 7 of the verification recipe (README.md, "How to verify"): ask the issuer whether a token
 * was revoked. A token cannot say this about itself, so this is the one check that needs the
 * issuer online: the public GraphQL query `attestationStatus(jti)`, POSTed to `<issuer>/graphql`
 * without an API key (the dashboard's checker sends the same query).
 *
 * Same transport rules as the key set (attestation-token.ts fetchJwks): https only, plain http
 * only to a loopback address, no redirects, 5 s timeout, a size limit on the answer.
 */
import { AttestationError } from './attestation.errors.ts';
import { issuerAddress } from './attestation-token.ts';

/** The issuer's answer, as the GraphQL type AttestationStatus has it (times as ISO 8601 strings). */
export interface IssuerAttestationStatus {
  jti: string;
  /** false: this issuer never issued a token with this id. */
  known: boolean;
  revoked: boolean;
  /** Why: the tenant's reason, or "The tenant was deleted."; null when not revoked. */
  reason: string | null;
  /** When it was revoked; null when not revoked. */
  revokedAt: string | null;
  expiresAt: string | null;
}

export const ATTESTATION_STATUS_QUERY = 'query($jti: ID!) { attestationStatus(jti: $jti) { jti known revoked reason revokedAt expiresAt } }';

const STATUS_TIMEOUT_MS = 5000;
const MAX_STATUS_BYTES = 64 * 1024;

function unavailable(message: string, cause?: unknown): AttestationError {
  return new AttestationError('STATUS_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
}

/** `${issuer}/graphql`, without doubling a trailing slash. */
export function statusUrlForIssuer(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/graphql`;
}

function nullableText(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && value.length <= 2048);
}

function parseStatus(body: unknown, jti: string): IssuerAttestationStatus {
  const root = (typeof body === 'object' && body !== null ? body : {}) as { data?: { attestationStatus?: unknown }; errors?: Array<{ message?: unknown }> };
  if (Array.isArray(root.errors) && root.errors.length > 0) {
    const first = typeof root.errors[0]?.message === 'string' ? root.errors[0].message.slice(0, 200) : 'an error';
    throw unavailable(`The issuer answered the revocation query with an error: ${first}`);
  }
  const s = root.data?.attestationStatus as Record<string, unknown> | undefined;
  if (
    typeof s !== 'object' || s === null ||
    s.jti !== jti || typeof s.known !== 'boolean' || typeof s.revoked !== 'boolean' ||
    !nullableText(s.reason) || !nullableText(s.revokedAt) || !nullableText(s.expiresAt)
  ) {
    throw unavailable('The issuer\'s answer to the revocation query is not an attestation status for this token.');
  }
  return { jti, known: s.known, revoked: s.revoked, reason: s.reason, revokedAt: s.revokedAt, expiresAt: s.expiresAt };
}

/** Asks `<issuer>/graphql` for the status of `jti`. Throws STATUS_UNAVAILABLE when it cannot tell. */
export async function fetchAttestationStatus(issuer: string, jti: string): Promise<IssuerAttestationStatus> {
  const url = issuerAddress(statusUrlForIssuer(issuer), 'revocation status', 'STATUS_UNAVAILABLE');
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: ATTESTATION_STATUS_QUERY, variables: { jti } }),
      signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw unavailable(`The issuer's ${url.href} answered HTTP ${response.status}, expected 200.`);
    }
    if (Number(response.headers.get('content-length') ?? '0') > MAX_STATUS_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw unavailable('The issuer\'s answer to the revocation query is too large.');
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof AttestationError) throw error;
    throw unavailable(`The issuer at ${url.origin} could not be reached (${(error as Error).name === 'TimeoutError' ? 'no answer within 5 s' : 'connection failed'}).`, error);
  }
  if (text.length > MAX_STATUS_BYTES) throw unavailable('The issuer\'s answer to the revocation query is too large.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw unavailable('The issuer\'s answer to the revocation query is not JSON.', error);
  }
  return parseStatus(body, jti);
}

/**
 * Throws TOKEN_REVOKED (with the time and reason when the issuer gives them) or
 * TOKEN_UNKNOWN_AT_ISSUER for a status that does not let the token stand. `asOf` qualifies the
 * message (e.g. "as of the export at …") when the status was recorded earlier.
 */
export function assertStands(status: IssuerAttestationStatus, asOf = ''): void {
  if (!status.known) {
    throw new AttestationError('TOKEN_UNKNOWN_AT_ISSUER', `The issuer does not know attestation ${status.jti}${asOf}: it never issued it, so treat the token as suspect.`);
  }
  if (status.revoked) {
    const when = status.revokedAt ? ` at ${status.revokedAt}` : '';
    throw new AttestationError('TOKEN_REVOKED', `Attestation ${status.jti} was revoked${when}${asOf}: ${status.reason ?? 'no reason given'}`);
  }
}
