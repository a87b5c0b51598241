/**
 * Attestation tokens: signing (platform side) and offline verification against a JWKS (anyone).
 * Format and verification recipe for third parties: ./README.md.
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { claimsForSigning, parseAttestationClaims, type AttestationClaims } from './attestation-claims.ts';
import { AttestationError, type AttestationErrorCode } from './attestation.errors.ts';
import { ATTESTATION_ALG, parsePrivateKey, toPublicJwk, type SigningKeyMaterial } from './signing-keys.ts';

export type { AttestationClaims, ArtifactClaim, EndpointClaim, StrengthClaim, ModelSignatureClaim, VerdictPolicy, Verdict, VerificationMode } from './attestation-claims.ts';

export const ATTESTATION_TYP = 'fragmark-attestation+jwt';
export const SUBJECT_PREFIX = 'urn:fragmark:model-version:';
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
/** Longest token we look at; ours are ~1 KB. */
const MAX_TOKEN_LENGTH = 16 * 1024;
/** Longest ttl we sign: 5 years. */
const MAX_TTL_SECONDS = 5 * 366 * 24 * 3600;
const MAX_JWKS_BYTES = 256 * 1024;
const JWKS_TIMEOUT_MS = 5000;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SUBJECT_PATTERN = /^urn:fragmark:model-version:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const B64URL_PART = /^[A-Za-z0-9_-]*$/;

export interface SignOptions {
  issuer: string;
  modelVersionId: string;
  audience?: string | null;
  nonce?: string | null;
  ttlSeconds: number;
  now?: Date;
  jti?: string;
}

export interface VerifyOptions {
  issuer: string;
  audience?: string | null;
  /** Default 60. Applies to nbf, exp and iat. */
  clockToleranceSeconds?: number;
  now?: Date;
}

export interface VerifiedAttestation {
  header: { alg: string; typ: string; kid: string };
  payload: Record<string, unknown> & { fragmark: AttestationClaims };
}

function err(code: AttestationErrorCode, message: string, cause?: unknown): AttestationError {
  return new AttestationError(code, message, cause === undefined ? undefined : { cause });
}

/** Whether `part` is exactly what encoding its own bytes gives (RFC 4648 section 3.5: pad bits zero). */
export function isCanonicalBase64url(part: string): boolean {
  return Buffer.from(part, 'base64url').toString('base64url') === part;
}

/** A short, printable rendering of an attacker-controlled value for error messages. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 64 ? `${clean.slice(0, 64)}...` : clean);
}

function textOption(value: unknown, name: string, max = 512): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${name} must be a non-empty printable string of at most ${max} characters`);
  }
  return value;
}

function optionalText(value: string | null | undefined, name: string): string | undefined {
  return value === undefined || value === null ? undefined : textOption(value, name);
}

function dateOption(value: Date | undefined, name: string): Date {
  const date = value ?? new Date();
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new TypeError(`${name} must be a valid Date`);
  return date;
}

// ---------------------------------------------------------------------------------------------
// Signing

const signingKeys = new WeakMap<SigningKeyMaterial, Promise<CryptoKey | Uint8Array>>();

function signingKeyOf(key: SigningKeyMaterial): Promise<CryptoKey | Uint8Array> {
  let pending = signingKeys.get(key);
  if (!pending) {
    pending = (async () => {
      // Re-validates shape, thumbprint and that x belongs to d: a corrupted key fails here, not at
      // the third party.
      const checked = parsePrivateKey(new TextEncoder().encode(JSON.stringify(key.privateJwk ?? null)));
      if (checked.kid !== key.kid) throw err('SIGNING_KEY_INVALID', 'The key id does not match the signing key.');
      try {
        return await importJWK(checked.privateJwk, ATTESTATION_ALG);
      } catch (error) {
        throw err('SIGNING_KEY_INVALID', 'The signing key could not be imported.', error);
      }
    })();
    pending.catch(() => signingKeys.delete(key));
    signingKeys.set(key, pending);
  }
  return pending;
}

/**
 * Signs an attestation. Only the contract's members of `claims` are copied into the token;
 * claims whose verdict contradicts their policy are refused (TOKEN_CLAIMS_INVALID).
 * Times have second precision: issuedAt/expiresAt are what the token says.
 */
export async function signAttestation(
  key: SigningKeyMaterial,
  claims: AttestationClaims,
  options: SignOptions,
): Promise<{ token: string; jti: string; issuedAt: Date; expiresAt: Date; claims: AttestationClaims }> {
  const issuer = textOption(options.issuer, 'issuer');
  if (typeof options.modelVersionId !== 'string' || !ID_PATTERN.test(options.modelVersionId)) {
    throw new TypeError('modelVersionId must be an identifier (letters, digits, ".", "_", "-")');
  }
  const audience = optionalText(options.audience, 'audience');
  const nonce = optionalText(options.nonce, 'nonce');
  const jti = options.jti === undefined ? randomUUID() : textOption(options.jti, 'jti', 256);
  const { ttlSeconds } = options;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new TypeError(`ttlSeconds must be an integer between 1 and ${MAX_TTL_SECONDS}`);
  }
  const now = dateOption(options.now, 'now');
  const fragmark = claimsForSigning(claims);
  const cryptoKey = await signingKeyOf(key);

  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const payload: JWTPayload = {
    iss: issuer,
    sub: `${SUBJECT_PREFIX}${options.modelVersionId}`,
    ...(audience !== undefined ? { aud: audience } : {}),
    iat,
    nbf: iat,
    exp,
    jti,
    ...(nonce !== undefined ? { eat_nonce: nonce } : {}),
    fragmark,
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: ATTESTATION_ALG, typ: ATTESTATION_TYP, kid: key.kid })
    .sign(cryptoKey);
  // `claims`: the allow-listed copy that was signed (what the token says, for the in-toto statement).
  return { token, jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000), claims: fragmark };
}

// ---------------------------------------------------------------------------------------------
// Verification

interface CheckedHeader {
  alg: string;
  typ: string;
  kid: string;
}

/**
 * Checks that run before any key is looked up or fetched: structure, alg allow-list (so `none`,
 * HS256 and friends never reach a key), typ, kid.
 */
function checkHeader(token: unknown): CheckedHeader {
  if (typeof token !== 'string' || token.length === 0) throw err('TOKEN_MALFORMED', 'The token is empty.');
  if (token.length > MAX_TOKEN_LENGTH) throw err('TOKEN_MALFORMED', 'The token is too long to be an attestation.');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL_PART.test(p)) || parts[0] === '' || parts[1] === '') {
    throw err('TOKEN_MALFORMED', 'The token is not a JWS compact serialization (header.payload.signature in base64url).');
  }
  // base64url leaves 2 or 4 bits of a part's last character unused; decoders ignore them, so one
  // token would have several spellings that all verify. Only the canonical one (unused bits zero,
  // no impossible length) is accepted: a token is one string, as issued.
  if (!parts.every(isCanonicalBase64url)) {
    throw err('TOKEN_MALFORMED', 'The token is not in canonical base64url (a part has stray bits or an impossible length): it was altered.');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (error) {
    throw err('TOKEN_MALFORMED', 'The token header is not a base64url-encoded JSON object.', error);
  }
  if (header.alg !== ATTESTATION_ALG) {
    throw err('TOKEN_ALGORITHM_REFUSED', `The token is signed with algorithm ${shown(header.alg)}; only "EdDSA" (Ed25519) is accepted.`);
  }
  if (header.typ !== ATTESTATION_TYP) {
    throw err('TOKEN_TYPE_INVALID', `The token type is ${shown(header.typ)}, not "${ATTESTATION_TYP}": it is not a Fragmark attestation.`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw err('TOKEN_MALFORMED', 'The token header has no "kid" naming the signing key.');
  }
  if (parts[2] === '') throw err('TOKEN_SIGNATURE_INVALID', 'The token has no signature.');
  return { alg: header.alg, typ: header.typ, kid: header.kid };
}

/** The Ed25519 public keys of a JWK Set with this kid (unusable or foreign keys are skipped). */
function keysFor(jwks: unknown, kid: string): JWK[] {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw err('JWKS_UNAVAILABLE', 'The key set is not a JWK Set (expected an object with a "keys" array).');
  }
  const found: JWK[] = [];
  for (const candidate of (jwks as { keys: unknown[] }).keys) {
    if (typeof candidate !== 'object' || candidate === null || (candidate as JWK).kid !== kid) continue;
    try {
      // Allow-list copy: public members only; checks kty/crv/alg/use and kid = thumbprint.
      found.push(toPublicJwk(candidate));
    } catch {
      // A key with this kid that is not a usable Ed25519 verification key: skipped.
    }
  }
  return found;
}

function mapJoseError(error: unknown, expectedAudience: string | undefined): AttestationError {
  if (error instanceof AttestationError) return error;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return err('TOKEN_SIGNATURE_INVALID', 'The token signature does not verify: the token was altered or not signed by this issuer.', error);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return err('TOKEN_ALGORITHM_REFUSED', 'The token algorithm is not allowed; only "EdDSA" (Ed25519) is accepted.', error);
  }
  if (error instanceof joseErrors.JWTExpired) {
    return err('TOKEN_EXPIRED', `The token expired (exp ${shown(error.payload.exp)}).`, error);
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (claim === 'iss') {
      return err('TOKEN_ISSUER_INVALID', reason === 'missing' ? 'The token has no issuer ("iss").' : `The token was issued by ${shown(error.payload.iss)}, not by the expected issuer.`, error);
    }
    if (claim === 'aud') {
      return err('TOKEN_AUDIENCE_INVALID', reason === 'missing'
        ? `The token has no audience ("aud") but audience ${shown(expectedAudience)} was expected.`
        : `The token audience ${shown(error.payload.aud)} is not the expected audience ${shown(expectedAudience)}.`, error);
    }
    if (claim === 'typ') return err('TOKEN_TYPE_INVALID', `The token type is not "${ATTESTATION_TYP}".`, error);
    if ((claim === 'nbf' || claim === 'iat') && reason === 'check_failed') {
      return err('TOKEN_NOT_YET_VALID', `The token is not valid before ${shown(error.payload.nbf)} (nbf).`, error);
    }
    return err('TOKEN_CLAIMS_INVALID', `Invalid token claims: "${claim}" is ${reason === 'missing' ? 'missing' : 'invalid'}.`, error);
  }
  if (error instanceof joseErrors.JWTInvalid) {
    return err('TOKEN_CLAIMS_INVALID', `Invalid token claims: ${error.message}.`, error);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return err('TOKEN_KEY_UNKNOWN', 'No key in the key set can verify this token.', error);
  }
  if (error instanceof joseErrors.JWKInvalid || error instanceof joseErrors.JWKSInvalid) {
    return err('JWKS_UNAVAILABLE', 'The key set holds an invalid key.', error);
  }
  if (error instanceof joseErrors.JOSEError) {
    // JWSInvalid (bad encoding, unsupported "crit", b64=false), JOSENotSupported, ...
    return err('TOKEN_MALFORMED', `The token is malformed: ${error.message}.`, error);
  }
  if (error instanceof TypeError) return err('TOKEN_MALFORMED', 'The token could not be decoded.', error);
  return err('TOKEN_MALFORMED', 'The token could not be verified.', error);
}

/**
 * Offline verification against a JWK Set. Checks, in order: structure; alg = EdDSA (none, HS256,
 * RS256... are refused before any key is used); typ exactly "fragmark-attestation+jwt"; kid present
 * in the JWKS as an Ed25519 key; the signature; iss; aud; nbf/exp/iat with clock tolerance; the
 * shape of every claim.
 *
 * Audience rule: when an audience is expected, the token must carry it (`aud` equal to it, or an
 * array containing it). When none is expected, a token that carries an `aud` is refused
 * (RFC 7519 section 4.1.3: a recipient not named in a present `aud` must reject the token), so an
 * attestation issued for one relying party cannot be replayed silently at another.
 */
export async function verifyAttestation(token: string, jwks: { keys: JWK[] }, options: VerifyOptions): Promise<VerifiedAttestation> {
  const issuer = textOption(options.issuer, 'issuer', 2048);
  const audience = optionalText(options.audience, 'audience');
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError('clockToleranceSeconds must be a non-negative number');
  }
  const now = dateOption(options.now, 'now');

  const header = checkHeader(token);
  const candidates = keysFor(jwks, header.kid);
  if (candidates.length === 0) {
    throw err('TOKEN_KEY_UNKNOWN', `The signing key ${shown(header.kid)} is not in the issuer's key set (unknown or long retired key).`);
  }

  let payload: JWTPayload | undefined;
  let lastError: unknown;
  // Normally exactly one key: the kid is the key's thumbprint.
  for (const jwk of candidates) {
    try {
      const key = await importJWK(jwk, ATTESTATION_ALG);
      const result = await jwtVerify(token, key, {
        algorithms: [ATTESTATION_ALG],
        typ: ATTESTATION_TYP,
        issuer,
        ...(audience !== undefined ? { audience } : {}),
        clockTolerance: tolerance,
        currentDate: now,
        requiredClaims: ['iss', 'sub', 'iat', 'nbf', 'exp', 'jti'],
      });
      payload = result.payload;
      break;
    } catch (error) {
      lastError = error;
      if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
    }
  }
  if (payload === undefined) throw mapJoseError(lastError, audience);

  if (audience === undefined && payload.aud !== undefined) {
    throw err('TOKEN_AUDIENCE_INVALID', `The token is addressed to audience ${shown(payload.aud)}; pass that audience to verify it.`);
  }
  const nowSeconds = now.getTime() / 1000;
  const { iat, nbf, exp, sub, jti } = payload;
  if (typeof iat !== 'number' || typeof nbf !== 'number' || typeof exp !== 'number') {
    throw err('TOKEN_CLAIMS_INVALID', 'Invalid token claims: "iat", "nbf" and "exp" must be numbers.');
  }
  if (iat > nowSeconds + tolerance) throw err('TOKEN_NOT_YET_VALID', 'The token was issued in the future ("iat").');
  if (exp <= nbf || exp <= iat) throw err('TOKEN_CLAIMS_INVALID', 'Invalid token claims: "exp" must lie after "iat" and "nbf".');
  if (typeof sub !== 'string' || !SUBJECT_PATTERN.test(sub)) {
    throw err('TOKEN_CLAIMS_INVALID', `Invalid token claims: "sub" must be "${SUBJECT_PREFIX}<id>".`);
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
    throw err('TOKEN_CLAIMS_INVALID', 'Invalid token claims: "jti" must be a non-empty string.');
  }
  const nonce = (payload as Record<string, unknown>).eat_nonce;
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce.length === 0)) {
    throw err('TOKEN_CLAIMS_INVALID', 'Invalid token claims: "eat_nonce" must be a non-empty string.');
  }
  const fragmark = parseAttestationClaims((payload as Record<string, unknown>).fragmark);

  return {
    header: { alg: header.alg, typ: header.typ, kid: header.kid },
    payload: { ...(payload as Record<string, unknown>), fragmark },
  };
}

/** `${issuer}/.well-known/jwks.json`, without doubling a trailing slash. */
export function jwksUrlForIssuer(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses an address at the issuer that a verifier fetches from (the key set, the revocation
 * status): https only, or plain http to a loopback address (development). Anything else is refused
 * with `code`, before any request is made.
 */
export function issuerAddress(url: string, what: string, code: AttestationErrorCode): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw err(code, `The ${what} address ${shown(url)} is not a URL.`, error);
  }
  if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopback(parsed.hostname)))) {
    throw err(code, `The ${what} address must use https (plain http only to localhost): ${shown(parsed.origin)}.`);
  }
  return parsed;
}

/**
 * Fetches a JWK Set. https only, except plain http to a loopback address (development): a key
 * set fetched over plain http from elsewhere could be swapped by anyone on the path, and then any
 * forged token would verify. No redirects are followed, 5 s timeout, 256 KiB limit.
 */
export async function fetchJwks(url: string): Promise<{ keys: JWK[] }> {
  const parsed = issuerAddress(url, 'key set', 'JWKS_UNAVAILABLE');
  let body: string;
  try {
    const response = await fetch(parsed, {
      redirect: 'manual',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw err('JWKS_UNAVAILABLE', `The key set at ${shown(parsed.href)} answered HTTP ${response.status}, expected 200.`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_JWKS_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw err('JWKS_UNAVAILABLE', 'The key set response is too large.');
    }
    body = await response.text();
  } catch (error) {
    if (error instanceof AttestationError) throw error;
    throw err('JWKS_UNAVAILABLE', `The key set at ${shown(parsed.href)} could not be fetched.`, error);
  }
  if (body.length > MAX_JWKS_BYTES) throw err('JWKS_UNAVAILABLE', 'The key set response is too large.');
  let jwks: unknown;
  try {
    jwks = JSON.parse(body);
  } catch (error) {
    throw err('JWKS_UNAVAILABLE', 'The key set response is not JSON.', error);
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw err('JWKS_UNAVAILABLE', 'The key set response is not a JWK Set (no "keys" array).');
  }
  return jwks as { keys: JWK[] };
}

/**
 * Same as verifyAttestation, fetching the JWKS from `jwksUrl` or `${issuer}/.well-known/jwks.json`.
 * The token's header is checked before anything is fetched. Fetches on every call (no cache): a
 * service verifying many tokens should fetch once and call verifyAttestation, or use jose's
 * createRemoteJWKSet (README).
 */
export async function verifyAttestationWithIssuer(token: string, options: VerifyOptions & { jwksUrl?: string }): Promise<VerifiedAttestation> {
  const issuer = textOption(options.issuer, 'issuer', 2048);
  checkHeader(token);
  const jwks = await fetchJwks(options.jwksUrl ?? jwksUrlForIssuer(issuer));
  const { jwksUrl: _ignored, ...verifyOptions } = options;
  return verifyAttestation(token, jwks, verifyOptions);
}
