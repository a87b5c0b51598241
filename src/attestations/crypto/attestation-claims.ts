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
  /**
   * `digest`: the registered canonical-weights digest. `artifactDigest` (the registered artifact
   * files) and `signature` (an OpenSSF model signature verified at registration) are absent from
   * older tokens; `signature` is absent whenever the version has no verified signature.
   */
  model: { id: string; name: string; version: string; digest: string; artifactDigest?: string; signature?: ModelSignatureClaim };
  /**
   * `profile` (serving profile the triggers survive) and `inputDomain` (values they lie in; null
   * bounds: unbounded) are absent from tokens issued before they existed; so is `strength`.
   */
  watermark: { id: string; scheme: string; commitment: string; profile?: ServingProfile; inputDomain?: InputDomainClaim; strength?: StrengthClaim };
  verification: {
    id: string;
    mode: VerificationMode;
    triggersQueried: number;
    triggersMatched: number;
    accTri: number;
    policy: VerdictPolicy;
    verdict: Verdict;
    /**
     * ENDPOINT checks of an enrolled endpoint: which enrollment, how many triggers it left out and
     * (newer tokens) how many it kept.
     */
    enrollment?: { id: string; triggersExcluded: number; triggersEnrolled?: number };
    /** ENDPOINT checks (newer tokens): which deployment answered. */
    endpoint?: EndpointClaim;
    /** ARTIFACT checks (newer tokens): which files were checked, against which registered ones. */
    artifact?: ArtifactClaim;
  };
}

/** The deployment an ENDPOINT verification queried. */
export interface EndpointClaim {
  /** Registered by a tenant admin (audited); false for an ad-hoc URL an operator supplied. */
  registered: boolean;
  /** The registered endpoint's id; null when not registered. */
  id: string | null;
  /** Without userinfo, query or fragment. */
  url: string;
  protocol: EndpointProtocol;
  modelName: string;
  inputFormat: 'FLOAT32' | 'UINT8';
  /** SHA-256 (hex) of the DER of the TLS certificate the server presented; null over http. */
  tlsCertificateSha256: string | null;
}

/** The files an ARTIFACT verification loaded, and the registered ones they were compared with. */
export interface ArtifactClaim {
  /** An uploaded copy (candidate) rather than the registry's own artifact. */
  candidate: boolean;
  checkedWeightsDigest: string;
  checkedArtifactDigest: string;
  registeredWeightsDigest: string;
  registeredArtifactDigest: string;
  /** checkedWeightsDigest equals registeredWeightsDigest. */
  weightsMatchRegistered: boolean;
}

/** How much a verdict from this watermark can be trusted (measured when it was generated). */
export interface StrengthClaim {
  /** "weak": fewer than 32 triggers or no measured sensitivity; made only with allowWeak. */
  level: 'standard' | 'weak';
  triggers: number;
  /** Trigger objective (engine loss kind, e.g. JUNCTION). */
  method: string;
  /** Fraction of triggers flipped by the self-check's Gaussian weight noise; null if not measured. */
  flipFractionUnderNoise: number | null;
  /** Standard deviation of that noise; null if not measured. */
  noiseStd: number | null;
  /** Fewest mismatched triggers (of all the watermark's) that make the verdict "tampered". */
  detectionFloor: number;
}

/** An OpenSSF model signature (OMS v1.0) checked offline when the artifact was registered. */
export interface ModelSignatureClaim {
  format: 'oms-v1.0';
  /** Id of the tenant's registered public key that verified it. */
  keyId: string;
  /** SHA-256 (hex) of that public key's SubjectPublicKeyInfo DER. */
  publicKeySha256: string;
  /** Every subject digest of the signature matched the uploaded files. */
  digestsMatch: true;
  /** ISO 8601 time it was verified. */
  verifiedAt: string;
}

export type EndpointProtocol = 'TF_SERVING_REST' | 'KSERVE_V2';

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
const PROTOCOLS: readonly string[] = ['TF_SERVING_REST', 'KSERVE_V2'];
const STRENGTHS: readonly string[] = ['standard', 'weak'];
const SHA256_HEX = /^[0-9a-f]{64}$/;
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

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

function nullableStr(value: unknown, path: string): string | null {
  return value === null ? null : str(value, path);
}

function nullableFraction(value: unknown, path: string): number | null {
  return value === null ? null : fraction(value, path);
}

function sha256Hex(value: unknown, path: string): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) fail(path, 'must be a SHA-256 digest in lower-case hex');
  return value;
}

function enrollmentOf(value: unknown, path: string): { id: string; triggersExcluded: number; triggersEnrolled?: number } {
  const e = obj(value, path);
  return {
    id: str(e.id, `${path}.id`),
    triggersExcluded: count(e.triggersExcluded, `${path}.triggersExcluded`),
    ...(e.triggersEnrolled !== undefined ? { triggersEnrolled: count(e.triggersEnrolled, `${path}.triggersEnrolled`) } : {}),
  };
}

function endpointOf(value: unknown, path: string): EndpointClaim {
  const e = obj(value, path);
  const registered = bool(e.registered, `${path}.registered`);
  const id = nullableStr(e.id, `${path}.id`);
  if (registered !== (id !== null)) fail(`${path}.id`, 'must be set exactly when the endpoint is registered');
  return {
    registered,
    id,
    url: str(e.url, `${path}.url`),
    protocol: oneOf<EndpointProtocol>(e.protocol, PROTOCOLS, `${path}.protocol`),
    modelName: str(e.modelName, `${path}.modelName`),
    inputFormat: oneOf<'FLOAT32' | 'UINT8'>(e.inputFormat, ENCODINGS, `${path}.inputFormat`),
    tlsCertificateSha256: e.tlsCertificateSha256 === null ? null : sha256Hex(e.tlsCertificateSha256, `${path}.tlsCertificateSha256`),
  };
}

function artifactOf(value: unknown, path: string): ArtifactClaim {
  const a = obj(value, path);
  const checkedWeightsDigest = str(a.checkedWeightsDigest, `${path}.checkedWeightsDigest`);
  const registeredWeightsDigest = str(a.registeredWeightsDigest, `${path}.registeredWeightsDigest`);
  const weightsMatchRegistered = bool(a.weightsMatchRegistered, `${path}.weightsMatchRegistered`);
  if (weightsMatchRegistered !== (checkedWeightsDigest === registeredWeightsDigest)) {
    fail(`${path}.weightsMatchRegistered`, 'must say whether checkedWeightsDigest equals registeredWeightsDigest');
  }
  return {
    candidate: bool(a.candidate, `${path}.candidate`),
    checkedWeightsDigest,
    checkedArtifactDigest: str(a.checkedArtifactDigest, `${path}.checkedArtifactDigest`),
    registeredWeightsDigest,
    registeredArtifactDigest: str(a.registeredArtifactDigest, `${path}.registeredArtifactDigest`),
    weightsMatchRegistered,
  };
}

function strengthOf(value: unknown, path: string): StrengthClaim {
  const s = obj(value, path);
  const triggers = count(s.triggers, `${path}.triggers`);
  const detectionFloor = count(s.detectionFloor, `${path}.detectionFloor`);
  if (detectionFloor < 1 || detectionFloor > triggers) fail(`${path}.detectionFloor`, 'must be between 1 and triggers');
  return {
    level: oneOf<'standard' | 'weak'>(s.level, STRENGTHS, `${path}.level`),
    triggers,
    method: str(s.method, `${path}.method`),
    flipFractionUnderNoise: nullableFraction(s.flipFractionUnderNoise, `${path}.flipFractionUnderNoise`),
    noiseStd: s.noiseStd === null ? null : positive(s.noiseStd, `${path}.noiseStd`),
    detectionFloor,
  };
}

function positive(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(path, 'must be a positive number');
  return value;
}

function signatureOf(value: unknown, path: string): ModelSignatureClaim {
  const s = obj(value, path);
  if (s.format !== 'oms-v1.0') fail(`${path}.format`, 'must be "oms-v1.0"');
  if (s.digestsMatch !== true) fail(`${path}.digestsMatch`, 'must be true (a signature whose digests do not match is never accepted)');
  const verifiedAt = str(s.verifiedAt, `${path}.verifiedAt`);
  if (!Number.isFinite(Date.parse(verifiedAt))) fail(`${path}.verifiedAt`, 'must be an ISO 8601 time');
  return { format: 'oms-v1.0', keyId: str(s.keyId, `${path}.keyId`), publicKeySha256: sha256Hex(s.publicKeySha256, `${path}.publicKeySha256`), digestsMatch: true, verifiedAt };
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
      ...(model.artifactDigest !== undefined ? { artifactDigest: str(model.artifactDigest, 'fragmark.model.artifactDigest') } : {}),
      ...(model.signature !== undefined ? { signature: signatureOf(model.signature, 'fragmark.model.signature') } : {}),
    },
    watermark: {
      id: str(watermark.id, 'fragmark.watermark.id'),
      scheme: str(watermark.scheme, 'fragmark.watermark.scheme'),
      commitment: str(watermark.commitment, 'fragmark.watermark.commitment'),
      ...(watermark.profile !== undefined ? { profile: oneOf<ServingProfile>(watermark.profile, PROFILES, 'fragmark.watermark.profile') } : {}),
      ...(watermark.inputDomain !== undefined ? { inputDomain: inputDomainOf(watermark.inputDomain, 'fragmark.watermark.inputDomain') } : {}),
      ...(watermark.strength !== undefined ? { strength: strengthOf(watermark.strength, 'fragmark.watermark.strength') } : {}),
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
      ...(v.endpoint !== undefined ? { endpoint: endpointOf(v.endpoint, 'fragmark.verification.endpoint') } : {}),
      ...(v.artifact !== undefined ? { artifact: artifactOf(v.artifact, 'fragmark.verification.artifact') } : {}),
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
