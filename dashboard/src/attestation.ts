/**
 * Checks an attestation token in the browser, as any third party would (see
 * src/attestations/crypto/README.md): EdDSA only, typ fragmark-attestation+jwt, the issuer's
 * JWKS picked by kid, the expected issuer, times with 60 s of tolerance, the subject and the
 * fragmark claims' shape. WebCrypto does the Ed25519 signature check.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export const ATTESTATION_TYP = 'fragmark-attestation+jwt';
const SUBJECT = /^urn:fragmark:model-version:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface FragmarkClaims {
  tenant: string;
  model: { id: string; name: string; version: string; digest: string };
  /** strength: absent from tokens issued before it existed. */
  watermark: {
    id: string;
    scheme: string;
    commitment: string;
    strength?: { level: 'standard' | 'weak'; triggers: number; method: string; flipFractionUnderNoise: number | null; noiseStd: number | null; detectionFloor: number };
  };
  verification: {
    id: string;
    mode: string;
    triggersQueried: number;
    triggersMatched: number;
    accTri: number;
    policy: { kind: string; maxMismatchFraction?: number };
    verdict: 'intact' | 'tampered';
  };
}

export type CheckResult =
  | { valid: true; header: { alg: string; typ: string; kid: string }; payload: JWTPayload & { fragmark: FragmarkClaims; eat_nonce?: string } }
  | { valid: false; reason: string; kid?: string | undefined };

let cachedJwks: { issuer: string; set: JSONWebKeySet; at: number } | null = null;

async function fetchJwks(issuer: string, fresh: boolean): Promise<JSONWebKeySet> {
  if (!fresh && cachedJwks && cachedJwks.issuer === issuer && Date.now() - cachedJwks.at < 60_000) return cachedJwks.set;
  const url = new URL('/.well-known/jwks.json', issuer);
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`The key set at ${url.href} answered ${response.status}.`);
  const set = (await response.json()) as JSONWebKeySet;
  if (!set || !Array.isArray(set.keys)) throw new Error(`${url.href} is not a JWK Set.`);
  cachedJwks = { issuer, set, at: Date.now() };
  return set;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkClaims(payload: JWTPayload): string | null {
  if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) return 'The subject is not a Fragmark model version.';
  if (typeof payload.jti !== 'string' || !payload.jti) return 'The token has no id (jti).';
  const f = payload.fragmark;
  if (!isObject(f) || !isObject(f.model) || !isObject(f.watermark) || !isObject(f.verification)) return 'The token carries no Fragmark attestation claims.';
  const v = f.verification;
  if (v.verdict !== 'intact' && v.verdict !== 'tampered') return 'The verdict is neither intact nor tampered.';
  if (typeof v.triggersQueried !== 'number' || typeof v.triggersMatched !== 'number' || typeof v.accTri !== 'number') return 'The verification counts are malformed.';
  return null;
}

function explain(error: unknown, kid: string | undefined, issuer: string): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The signature does not match: the token was altered, or was not signed by this issuer.';
  if (error instanceof errors.JWTExpired) return `The token expired${typeof error.payload.exp === 'number' ? ` on ${new Date(error.payload.exp * 1000).toLocaleString()}` : ''}.`;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return `The token was issued by ${JSON.stringify(error.payload.iss ?? null)}, not by ${issuer}.`;
    if (error.claim === 'typ') return `This is not a Fragmark attestation (typ must be ${ATTESTATION_TYP}).`;
    if (error.claim === 'nbf') return 'The token is not valid yet.';
    return `The ${error.claim} claim is invalid: ${error.message}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is not signed with EdDSA, the only algorithm Fragmark uses.';
  if (error instanceof errors.JWKSNoMatchingKey) return `No published key of ${issuer} has the token's key id ${kid ? JSON.stringify(kid) : '(none)'}.`;
  if (error instanceof errors.JOSENotSupported) return `This browser cannot check Ed25519 signatures (${error.message}).`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'This is not a well-formed token (three base64url parts with a JSON header and claims).';
  return error instanceof Error ? error.message : String(error);
}

export async function checkAttestation(token: string, issuer: string): Promise<CheckResult> {
  const compact = token.trim().replace(/\s+/g, '');
  if (!compact) return { valid: false, reason: 'Paste a token first.' };
  if (compact.length > MAX_TOKEN_LENGTH) return { valid: false, reason: 'This token is far longer than any Fragmark attestation.' };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(compact);
    kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (header.typ !== ATTESTATION_TYP) return { valid: false, reason: `This is not a Fragmark attestation (typ must be ${ATTESTATION_TYP}).`, kid };
    if (!kid) return { valid: false, reason: 'The token names no signing key (kid).' };
  } catch {
    // decodeProtectedHeader throws a plain TypeError for anything that is not header.payload.signature.
    return { valid: false, reason: 'This is not a well-formed token (three base64url parts with a JSON header and claims).' };
  }
  const verify = async (fresh: boolean) =>
    jwtVerify(compact, createLocalJWKSet(await fetchJwks(issuer, fresh)), {
      algorithms: ['EdDSA'],
      typ: ATTESTATION_TYP,
      issuer,
      clockTolerance: 60,
      requiredClaims: ['iss', 'sub', 'iat', 'exp', 'jti'],
    });
  try {
    let result;
    try {
      result = await verify(false);
    } catch (error) {
      // A key published since the last fetch: look again once.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      result = await verify(true);
    }
    const problem = checkClaims(result.payload);
    if (problem) return { valid: false, reason: problem, kid };
    const header = result.protectedHeader;
    return {
      valid: true,
      header: { alg: String(header.alg), typ: String(header.typ), kid: String(header.kid) },
      payload: result.payload as JWTPayload & { fragmark: FragmarkClaims },
    };
  } catch (error) {
    return { valid: false, reason: explain(error, kid, issuer), kid };
  }
}
