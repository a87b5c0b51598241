/**
 * Evidence bundles: one JSON file an auditor can keep and check offline, years later, without
 * the issuer. It holds the attestation JWT, the DSSE envelope of its in-toto statement, a snapshot
 * of the issuer's key set, the revocation status as the issuer reported it at export time, what
 * the API said about the verification, model, version and watermark (never trigger data or
 * secrets), the export time, and plain-language instructions.
 *
 * `verifyEvidenceBundle` checks all of it offline: the JWT against the bundled key set (as of the
 * export time, since the bundle exists to outlive the token's expiry and the key's publication),
 * the envelope's signature with the same key (by kid), that the statement and the token agree,
 * and that the unsigned facts agree with the signed claims. The revocation status is returned for
 * the caller to report: it is not signed, and it is as of the export.
 * Format: docs/verifying-attestations.md, "Evidence bundles".
 */
import type { JWK } from 'jose';
import { AttestationError } from './attestation.errors.ts';
import { verifyAttestation, type VerifiedAttestation } from './attestation-token.ts';
import { verifyDsseEnvelope, type DsseEnvelope } from './dsse-envelope.ts';
import { checkStatementMatchesToken, IN_TOTO_PAYLOAD_TYPE, parseVerificationStatement, type VerificationStatement } from './in-toto-statement.ts';
import type { IssuerAttestationStatus } from './attestation-status.ts';

export const EVIDENCE_BUNDLE_TYPE = 'fragmark-evidence-bundle/v1';
/** Largest bundle file read (ours are about 10 KB): checked before reading. */
export const MAX_EVIDENCE_BUNDLE_BYTES = 1024 * 1024;
/** Clock skew tolerated between the exporting machine and this one. */
const CLOCK_TOLERANCE_MS = 60_000;

export interface RecordedRevocationStatus extends IssuerAttestationStatus {
  /** When the issuer was asked (the export). */
  askedAt: string;
  /** Where: <issuer>/graphql, query attestationStatus. */
  source: string;
}

export interface EvidenceFacts {
  verification: { id: string; verdict: string; [member: string]: unknown };
  modelVersion: { id: string; weightsDigest: string | null; [member: string]: unknown };
  model: { id: string; name: string; [member: string]: unknown };
  watermark: { id: string; commitment: string | null; [member: string]: unknown };
}

export interface EvidenceBundle {
  bundleType: typeof EVIDENCE_BUNDLE_TYPE;
  exportedAt: string;
  exportedBy: { tool: 'fragmark'; version: string };
  howToCheck: string[];
  issuer: string;
  attestation: { jti: string; token: string; issuedAt: string; expiresAt: string };
  dsseEnvelope: DsseEnvelope;
  /** <issuer>/.well-known/jwks.json as fetched at export. */
  jwks: { keys: JWK[] };
  revocation: RecordedRevocationStatus;
  facts: EvidenceFacts;
}

/** The plain-language instructions written into every bundle. */
export function howToCheck(issuer: string): string[] {
  return [
    `Check everything at once, offline: fragmark evidence verify <this file> --issuer ${issuer} [--audience <the token's audience>]. Exit 0 means valid, 1 invalid (the reason is printed).`,
    'attestation.token is a JWT signed with EdDSA (Ed25519), header typ "fragmark-attestation+jwt". Verify it with the key in "jwks" whose kid is the token header\'s kid, accepting the algorithm EdDSA only; its iss must be the issuer you trust; nbf and exp are judged as of exportedAt.',
    'dsseEnvelope is a DSSE v1 envelope. Base64-decode "payload"; signatures[].sig (base64) is an Ed25519 signature, by the same key (keyid = kid), over the bytes "DSSEv1 <byte length of payloadType> <payloadType> <byte length of payload> <payload>". payloadType must be application/vnd.in-toto+json.',
    'The payload is an in-toto Statement v1 with the Simple Verification Result predicate v0.1: subject names the model version by its sha256 digests, predicate.properties lists what passed (FRAGMARK_WATERMARK_INTACT only when intact), and predicate.fragmark repeats the token\'s jti, sub and fragmark claim, which must be equal.',
    `jwks is a copy of ${issuer}/.well-known/jwks.json taken at exportedAt. Compare its key id (the RFC 7638 thumbprint of the key) with one you obtained from the issuer yourself: whoever controls a key set can sign anything.`,
    `revocation is the issuer's answer to attestationStatus(jti) at exportedAt; it is not signed and may have changed since. For the current status: fragmark verify-token <the token> --issuer ${issuer}, or POST ${issuer}/graphql with query { attestationStatus(jti: "<jti>") { revoked reason revokedAt } }.`,
    'facts is what the issuer\'s API returned about the verification, model, version and watermark at export. It is not signed; the signed statements are the token and the envelope. The bundle holds no trigger data, labels or secrets.',
  ];
}

function malformed(message: string): never {
  throw new AttestationError('EVIDENCE_MALFORMED', `Not a valid evidence bundle: ${message}.`);
}

function mismatch(message: string): never {
  throw new AttestationError('EVIDENCE_MISMATCH', message);
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(`"${path}" must be an object`);
  return value as Obj;
}

function text(value: unknown, path: string, max = 16 * 1024): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) malformed(`"${path}" must be a non-empty string`);
  return value;
}

function time(value: unknown, path: string): Date {
  const date = new Date(text(value, path, 64));
  if (!Number.isFinite(date.getTime())) malformed(`"${path}" must be an ISO 8601 time`);
  return date;
}

function nullableText(value: unknown, path: string): string | null {
  return value === null ? null : text(value, path, 4096);
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') malformed(`"${path}" must be true or false`);
  return value;
}

const normalIssuer = (issuer: string) => issuer.replace(/\/+$/, '');

function revocationOf(value: unknown): RecordedRevocationStatus {
  const r = obj(value, 'revocation');
  return {
    jti: text(r.jti, 'revocation.jti', 256),
    known: bool(r.known, 'revocation.known'),
    revoked: bool(r.revoked, 'revocation.revoked'),
    reason: nullableText(r.reason, 'revocation.reason'),
    revokedAt: nullableText(r.revokedAt, 'revocation.revokedAt'),
    expiresAt: nullableText(r.expiresAt, 'revocation.expiresAt'),
    askedAt: time(r.askedAt, 'revocation.askedAt').toISOString(),
    source: text(r.source, 'revocation.source', 2048),
  };
}

export interface VerifyEvidenceOptions {
  /** The issuer you trust. Without it the bundle's own issuer is taken, which proves only that the holder of the bundled key signed it. */
  issuer?: string;
  /**
   * A key set you trust (e.g. fetched from the issuer yourself), used instead of the bundle's
   * snapshot: a bundle is self-contained, so whoever made a key can make a bundle that verifies
   * against its own snapshot; only a key you obtained elsewhere rules that out.
   */
  jwks?: { keys: JWK[] };
  /** The audience the token was made for, when it was. */
  audience?: string | null;
  now?: Date;
}

export interface VerifiedEvidence {
  token: VerifiedAttestation;
  statement: VerificationStatement;
  /** kid of the key that signed both. */
  keyId: string;
  issuer: string;
  /** Whether the caller named the issuer (false: taken from the bundle). */
  issuerPinned: boolean;
  /** Whether the key came from the caller's key set (false: the bundle's snapshot). */
  keyPinned: boolean;
  exportedAt: Date;
  /** The token's exp has passed since the export. */
  expiredSinceExport: boolean;
  /** Unsigned, as of the export. */
  revocation: RecordedRevocationStatus;
}

/**
 * Checks a parsed bundle offline. Throws AttestationError: EVIDENCE_MALFORMED (shape),
 * TOKEN_* (the JWT against the bundled key set), ENVELOPE_* (the DSSE signature),
 * STATEMENT_INVALID, EVIDENCE_MISMATCH (parts that disagree). Revocation is reported, not judged.
 */
export async function verifyEvidenceBundle(value: unknown, options: VerifyEvidenceOptions = {}): Promise<VerifiedEvidence> {
  const now = options.now ?? new Date();
  const bundle = obj(value, 'bundle');
  if (bundle.bundleType !== EVIDENCE_BUNDLE_TYPE) malformed(`"bundleType" must be "${EVIDENCE_BUNDLE_TYPE}"`);
  const exportedAt = time(bundle.exportedAt, 'exportedAt');
  if (exportedAt.getTime() > now.getTime() + CLOCK_TOLERANCE_MS) malformed('"exportedAt" lies in the future');
  const bundleIssuer = normalIssuer(text(bundle.issuer, 'issuer', 2048));
  const attestation = obj(bundle.attestation, 'attestation');
  const token = text(attestation.token, 'attestation.token');
  const jti = text(attestation.jti, 'attestation.jti', 256);
  const snapshot = obj(bundle.jwks, 'jwks');
  if (!Array.isArray(snapshot.keys)) malformed('"jwks.keys" must be an array');
  const jwks = (options.jwks ?? snapshot) as { keys: JWK[] };
  const revocation = revocationOf(bundle.revocation);
  const facts = obj(bundle.facts, 'facts');

  const issuerPinned = options.issuer !== undefined;
  const issuer = normalIssuer(options.issuer ?? bundleIssuer);
  if (issuer !== bundleIssuer) mismatch(`The bundle says it is from ${JSON.stringify(bundleIssuer.slice(0, 200))}, not from the expected issuer ${JSON.stringify(issuer)}.`);

  // 1. The JWT, against the key set as it was published at export (or the caller's).
  const verified = await verifyAttestation(token, jwks, { issuer, audience: options.audience ?? null, now: exportedAt });
  const claims = verified.payload;
  if (claims.jti !== jti) mismatch('The bundle\'s attestation.jti is not the token\'s jti.');

  // 2. The DSSE envelope, signed by the same key as the token.
  const dsse = verifyDsseEnvelope(bundle.dsseEnvelope, jwks, { payloadType: IN_TOTO_PAYLOAD_TYPE, keyId: verified.header.kid });

  // 3. The statement says what the token says.
  const statement = parseVerificationStatement(dsse.payload);
  checkStatementMatchesToken(statement, {
    iss: String(claims.iss),
    sub: String(claims.sub),
    jti: String(claims.jti),
    iat: Number(claims.iat),
    aud: claims.aud,
    eat_nonce: claims.eat_nonce,
    fragmark: claims.fragmark,
  });

  // 4. The unsigned parts name the same things as the signed ones.
  if (revocation.jti !== jti) mismatch('The recorded revocation status is about another attestation.');
  checkFacts(facts, claims.fragmark, String(claims.sub));

  return {
    token: verified,
    statement,
    keyId: dsse.keyId,
    issuer,
    issuerPinned,
    keyPinned: options.jwks !== undefined,
    exportedAt,
    expiredSinceExport: Number(claims.exp) * 1000 <= now.getTime(),
    revocation,
  };
}

function checkFacts(facts: Obj, claims: VerifiedAttestation['payload']['fragmark'], sub: string): void {
  const verification = obj(facts.verification, 'facts.verification');
  const version = obj(facts.modelVersion, 'facts.modelVersion');
  const model = obj(facts.model, 'facts.model');
  const watermark = obj(facts.watermark, 'facts.watermark');
  const disagree = (what: string) => mismatch(`The bundle's facts and the signed claims disagree on the ${what}.`);
  if (verification.id !== claims.verification.id) disagree('verification id');
  if (typeof verification.verdict !== 'string' || verification.verdict.toLowerCase() !== claims.verification.verdict) disagree('verdict');
  if (`urn:fragmark:model-version:${String(version.id)}` !== sub) disagree('model version');
  if (version.weightsDigest !== claims.model.digest) disagree('weights digest');
  if (model.id !== claims.model.id) disagree('model');
  if (watermark.id !== claims.watermark.id || watermark.commitment !== claims.watermark.commitment) disagree('watermark');
}
