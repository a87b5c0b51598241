/**
 * Shape of the `fragmark` claim of an attestation token, and its validation. Used on both sides:
 * before signing (with an allow-list copy, so that nothing beyond the contract - e.g. trigger labels -
 * can ever be signed into a token) and after verifying (so that a consumer gets well-typed claims).
 */
import { AttestationError } from './attestation.errors.ts';
import type { VerdictPolicy } from '../../engine/index.ts';

export type VerificationMode = 'ARTIFACT' | 'ENDPOINT' | 'CHALLENGE';
/** The engine's verdict policy, as the token records it (type only: verifying a token loads no TF.js). */
export type { VerdictPolicy };
export type Verdict = 'intact' | 'tampered';

export interface AttestationClaims {
  tenant: string;
  model: { id: string; name: string; version: string; digest: string };
  /**
   * `profile` (serving profile the triggers survive) and `inputDomain` (values they lie in; null
   * bounds: unbounded) are absent from tokens issued before they existed.
   */
  watermark: { id: string; scheme: string; commitment: string; profile?: ServingProfile; inputDomain?: InputDomainClaim };
  verification: {
    id: string;
    mode: VerificationMode;
    triggersQueried: number;
    triggersMatched: number;
    accTri: number;
    policy: VerdictPolicy;
    verdict: Verdict;
    /** ENDPOINT checks of an enrolled endpoint: which enrollment, and how many triggers it left out. */
    enrollment?: { id: string; triggersExcluded: number };
  };
}

export type ServingProfile = 'FP32_EXACT' | 'TF32' | 'FP16' | 'BF16';
export interface InputDomainClaim {
  min: number | null;
  max: number | null;
  encoding: 'FLOAT32' | 'UINT8';
}

const MODES: readonly string[] = ['ARTIFACT', 'ENDPOINT', 'CHALLENGE'];
const PROFILES: readonly string[] = ['FP32_EXACT', 'TF32', 'FP16', 'BF16'];
const ENCODINGS: readonly string[] = ['FLOAT32', 'UINT8'];
const VERDICTS: readonly string[] = ['intact', 'tampered'];
const MAX_STRING = 1024;

type Obj = Record<string, unknown>;

class ClaimsProblem extends Error {}

function fail(path: string, what: string): never {
  throw new ClaimsProblem(`"${path}" ${what}`);
}

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Obj;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  if (value.length > MAX_STRING) fail(path, `must be at most ${MAX_STRING} characters`);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(path, 'must be a non-negative integer');
  return value;
}

function fraction(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) fail(path, 'must be a number between 0 and 1');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly string[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function bound(value: unknown, path: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number or null');
  return value;
}

function inputDomainOf(value: unknown, path: string): InputDomainClaim {
  const d = obj(value, path);
  return { min: bound(d.min, `${path}.min`), max: bound(d.max, `${path}.max`), encoding: oneOf<'FLOAT32' | 'UINT8'>(d.encoding, ENCODINGS, `${path}.encoding`) };
}

function enrollmentOf(value: unknown, path: string): { id: string; triggersExcluded: number } {
  const e = obj(value, path);
  return { id: str(e.id, `${path}.id`), triggersExcluded: count(e.triggersExcluded, `${path}.triggersExcluded`) };
}

function policyOf(value: unknown, path: string): VerdictPolicy {
  const p = obj(value, path);
  if (p.kind === 'strict') return { kind: 'strict' };
  if (p.kind === 'tolerance') return { kind: 'tolerance', maxMismatchFraction: fraction(p.maxMismatchFraction, `${path}.maxMismatchFraction`) };
  fail(`${path}.kind`, 'must be "strict" or "tolerance"');
}

/**
 * Checks the shape and returns a canonical copy holding only the contract's members (unknown
 * members are dropped, not rejected, so verifiers accept tokens from newer issuers).
 */
function canonical(value: unknown): AttestationClaims {
  const root = obj(value, 'fragmark');
  const model = obj(root.model, 'fragmark.model');
  const watermark = obj(root.watermark, 'fragmark.watermark');
  const v = obj(root.verification, 'fragmark.verification');
  const triggersQueried = count(v.triggersQueried, 'fragmark.verification.triggersQueried');
  const triggersMatched = count(v.triggersMatched, 'fragmark.verification.triggersMatched');
  if (triggersQueried < 1) fail('fragmark.verification.triggersQueried', 'must be at least 1');
  if (triggersMatched > triggersQueried) fail('fragmark.verification.triggersMatched', 'must not exceed triggersQueried');
  return {
    tenant: str(root.tenant, 'fragmark.tenant'),
    model: {
      id: str(model.id, 'fragmark.model.id'),
      name: str(model.name, 'fragmark.model.name'),
      version: str(model.version, 'fragmark.model.version'),
      digest: str(model.digest, 'fragmark.model.digest'),
    },
    watermark: {
      id: str(watermark.id, 'fragmark.watermark.id'),
      scheme: str(watermark.scheme, 'fragmark.watermark.scheme'),
      commitment: str(watermark.commitment, 'fragmark.watermark.commitment'),
      ...(watermark.profile !== undefined ? { profile: oneOf<ServingProfile>(watermark.profile, PROFILES, 'fragmark.watermark.profile') } : {}),
      ...(watermark.inputDomain !== undefined ? { inputDomain: inputDomainOf(watermark.inputDomain, 'fragmark.watermark.inputDomain') } : {}),
    },
    verification: {
      id: str(v.id, 'fragmark.verification.id'),
      mode: oneOf<VerificationMode>(v.mode, MODES, 'fragmark.verification.mode'),
      triggersQueried,
      triggersMatched,
      accTri: fraction(v.accTri, 'fragmark.verification.accTri'),
      policy: policyOf(v.policy, 'fragmark.verification.policy'),
      verdict: oneOf<Verdict>(v.verdict, VERDICTS, 'fragmark.verification.verdict'),
      ...(v.enrollment !== undefined ? { enrollment: enrollmentOf(v.enrollment, 'fragmark.verification.enrollment') } : {}),
    },
  };
}

/** Validates the `fragmark` claim of a verified token. Throws TOKEN_CLAIMS_INVALID. */
export function parseAttestationClaims(value: unknown): AttestationClaims {
  try {
    return canonical(value);
  } catch (error) {
    if (error instanceof ClaimsProblem) throw new AttestationError('TOKEN_CLAIMS_INVALID', `Invalid token claims: ${error.message}.`);
    throw error;
  }
}

/** The verdict the policy gives for these counts (strict: any mismatch is tampering). */
export function expectedVerdict(policy: VerdictPolicy, triggersQueried: number, triggersMatched: number): Verdict {
  const mismatches = triggersQueried - triggersMatched;
  if (policy.kind === 'strict') return mismatches === 0 ? 'intact' : 'tampered';
  // Small epsilon so that e.g. 1 mismatch in 10 with maxMismatchFraction 0.1 counts as within tolerance.
  return mismatches / triggersQueried <= policy.maxMismatchFraction + 1e-12 ? 'intact' : 'tampered';
}

/**
 * Validates claims about to be signed: the shape, plus that the verdict is the one the recorded
 * policy gives for the recorded counts (we never sign "intact" for a failed check).
 * Returns the allow-listed copy that goes into the token. Throws TOKEN_CLAIMS_INVALID.
 */
export function claimsForSigning(value: unknown): AttestationClaims {
  const claims = parseAttestationClaims(value);
  const { policy, triggersQueried, triggersMatched, verdict } = claims.verification;
  if (verdict !== expectedVerdict(policy, triggersQueried, triggersMatched)) {
    throw new AttestationError(
      'TOKEN_CLAIMS_INVALID',
      `Refusing to sign: verdict "${verdict}" contradicts the ${policy.kind} policy for ${triggersMatched}/${triggersQueried} matched triggers.`,
    );
  }
  return claims;
}
