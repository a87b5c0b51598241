/**
 * The in-toto statement Fragmark signs beside every attestation JWT: an in-toto Statement v1
 * (in-toto/attestation spec/v1/statement.md) with the Simple Verification Result predicate v0.1
 * (spec/predicates/svr.md), so that supply-chain tools that read in-toto attestations (policy
 * engines, archives) can consume a Fragmark verdict without knowing the JWT format.
 *
 *   {
 *     "_type": "https://in-toto.io/Statement/v1",
 *     "subject": [ { "name": "<model>@<version>/weights", "digest": { "sha256": "<registered weights digest>" }, "annotations": {…} },
 *                  { "name": "<model>@<version>/artifact", "digest": { "sha256": "<registered artifact digest>" }, … } ],   // when the claims hold it
 *     "predicateType": "https://in-toto.io/attestation/svr/v0.1",
 *     "predicate": {
 *       "verifier": { "id": "<issuer URL>", "version": { "fragmark": "<version>" } },
 *       "timeCreated": "<RFC 3339, UTC: when the verdict was signed (the JWT's iat)>",
 *       "properties": [ "FRAGMARK_WATERMARK_INTACT", "FRAGMARK_WATERMARK_INTACT_ARTIFACT", … ],
 *       "fragmark": { "jti", "sub", "aud"?, "eat_nonce"?, "tenant", "model", "watermark", "verification" }
 *     }
 *   }
 *
 * Following the SVR predicate exactly: `properties` lists only the properties that *passed*
 * (strings), so a TAMPERED verdict lists none of the INTACT ones; a consumer's policy "allow only
 * if FRAGMARK_WATERMARK_INTACT is listed" is monotonic (spec/v1/README.md, parsing rules). The
 * details (verdict, AccTri, counts, policy, profile, endpoint, mode, watermark id and commitment, and
 * every other member of the signed claims) are in the `fragmark` extension field, which is the
 * token's `fragmark` claim verbatim plus the token's id, subject, audience and nonce: members
 * added to the claims contract appear here without a change to this file.
 *
 * Built from the signed claims only (attestation-claims.ts), plus the issuer, the JWT's id,
 * subject, audience, nonce and issue time: the statement says nothing the token does not.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseAttestationClaims, type AttestationClaims } from './attestation-claims.ts';
import { AttestationError } from './attestation.errors.ts';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SVR_PREDICATE_TYPE = 'https://in-toto.io/attestation/svr/v0.1';
/** DSSE payloadType of an in-toto statement (in-toto/attestation spec/v1/envelope.md). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const SUBJECT_PREFIX = 'urn:fragmark:model-version:';

/** A ResourceDescriptor (spec/v1/resource_descriptor.md) naming one immutable thing by digest. */
export interface ResourceDescriptor {
  name: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The `fragmark` extension field: the JWT's id, subject, audience and nonce, and its `fragmark` claim. */
export interface FragmarkStatementDetails extends AttestationClaims {
  jti: string;
  sub: string;
  aud?: string;
  eat_nonce?: string;
}

export interface VerificationStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof SVR_PREDICATE_TYPE;
  predicate: {
    verifier: { id: string; version: { fragmark: string } };
    timeCreated: string;
    properties: string[];
    fragmark: FragmarkStatementDetails;
  };
}

export interface StatementInput {
  /** The signed `fragmark` claim of the JWT. */
  claims: AttestationClaims;
  /** The JWT's `iss`: the deployment's public URL, which is the verifier's id. */
  issuer: string;
  jti: string;
  /** The JWT's `sub`: urn:fragmark:model-version:<id>. */
  subject: string;
  audience?: string | null;
  nonce?: string | null;
  /** The JWT's `iat`. */
  issuedAt: Date;
  /** This Fragmark's version (package.json). */
  verifierVersion: string;
}

function invalid(message: string): never {
  throw new AttestationError('STATEMENT_INVALID', message);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A claims digest as a DigestSet value: lower-case hex SHA-256 (a "sha256:" prefix is dropped). */
function sha256Of(digest: string, what: string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
  if (!SHA256_HEX.test(hex)) invalid(`The ${what} is not a SHA-256 digest, so it cannot name an in-toto subject.`);
  return hex;
}

/** The model version, by its registered weights digest and (newer claims) its artifact digest. */
function subjectsOf(claims: AttestationClaims, subject: string): ResourceDescriptor[] {
  const { model } = claims;
  const base = `${model.name}@${model.version}`;
  const annotations = (kind: string, meaning: string) => ({ modelId: model.id, modelVersion: subject, digestOf: kind, meaning });
  const subjects: ResourceDescriptor[] = [
    {
      name: `${base}/weights`,
      digest: { sha256: sha256Of(model.digest, 'model weights digest') },
      annotations: annotations('weights', 'Fragmark canonical-weights digest (SHA-256 over the weights sorted by name), as registered'),
    },
  ];
  if (model.artifactDigest !== undefined) {
    subjects.push({
      name: `${base}/artifact`,
      digest: { sha256: sha256Of(model.artifactDigest, 'model artifact digest') },
      annotations: annotations('artifact', 'SHA-256 of the registered artifact\'s file manifest'),
    });
  }
  return subjects;
}

/**
 * The properties that passed, as the SVR predicate asks: strings, and none for a failed check.
 * Only facts the signed claims state; each is documented in docs/verifying-attestations.md.
 */
function propertiesOf(claims: AttestationClaims): string[] {
  const v = claims.verification;
  const properties: string[] = [];
  if (v.verdict === 'intact') properties.push('FRAGMARK_WATERMARK_INTACT', `FRAGMARK_WATERMARK_INTACT_${v.mode}`);
  if (v.artifact?.weightsMatchRegistered === true) properties.push('FRAGMARK_ARTIFACT_WEIGHTS_MATCH_REGISTERED');
  if (v.endpoint?.registered === true) properties.push('FRAGMARK_ENDPOINT_REGISTERED');
  if (claims.model.signature !== undefined) properties.push('FRAGMARK_MODEL_SIGNATURE_VERIFIED');
  return properties;
}

/** RFC 3339 in UTC with second precision, as the JWT's NumericDate has it (field_types.md, Timestamp). */
function timestamp(date: Date): string {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new TypeError('issuedAt must be a valid Date');
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function nonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/** The statement of one attestation. Throws STATEMENT_INVALID when the claims cannot name a subject. */
export function buildVerificationStatement(input: StatementInput): VerificationStatement {
  const claims = parseAttestationClaims(input.claims);
  const subject = nonEmpty(input.subject, 'subject');
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: subjectsOf(claims, subject),
    predicateType: SVR_PREDICATE_TYPE,
    predicate: {
      verifier: { id: nonEmpty(input.issuer, 'issuer'), version: { fragmark: nonEmpty(input.verifierVersion, 'verifierVersion') } },
      timeCreated: timestamp(input.issuedAt),
      properties: propertiesOf(claims),
      fragmark: {
        jti: nonEmpty(input.jti, 'jti'),
        sub: subject,
        ...(input.audience ? { aud: input.audience } : {}),
        ...(input.nonce ? { eat_nonce: input.nonce } : {}),
        ...claims,
      },
    },
  };
}

/** The serialized body that goes into the DSSE envelope: UTF-8 JSON. */
export function serializeStatement(statement: VerificationStatement): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(statement));
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`"${path}" must be an object.`);
  return value as Obj;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) invalid(`"${path}" must be a non-empty string.`);
  return value;
}

function resourceDescriptor(value: unknown, path: string): ResourceDescriptor {
  const d = obj(value, path);
  const digest = obj(d.digest, `${path}.digest`);
  const entries = Object.entries(digest);
  // statement.md: every subject MUST have a digest.
  if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string' || v.length === 0)) invalid(`"${path}.digest" must map algorithms to digests.`);
  return {
    name: text(d.name, `${path}.name`),
    digest: Object.fromEntries(entries) as Record<string, string>,
    ...(d.annotations !== undefined ? { annotations: obj(d.annotations, `${path}.annotations`) as Record<string, string> } : {}),
  };
}

/**
 * Parses the payload bytes of a verified envelope as a Fragmark verification statement. Unknown
 * fields are ignored (spec/v1/README.md, parsing rules); the `fragmark` claims are validated as a
 * token's would be. Throws STATEMENT_INVALID.
 */
export function parseVerificationStatement(payload: Uint8Array): VerificationStatement {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    invalid('The signed payload is not UTF-8 JSON.');
  }
  const root = obj(value, 'statement');
  if (root._type !== IN_TOTO_STATEMENT_TYPE) invalid(`"_type" must be "${IN_TOTO_STATEMENT_TYPE}".`);
  if (root.predicateType !== SVR_PREDICATE_TYPE) invalid(`"predicateType" must be "${SVR_PREDICATE_TYPE}".`);
  if (!Array.isArray(root.subject) || root.subject.length === 0 || root.subject.length > 16) invalid('"subject" must list the checked model version.');
  const subject = root.subject.map((s, i) => resourceDescriptor(s, `subject[${i}]`));
  const predicate = obj(root.predicate, 'predicate');
  const verifier = obj(predicate.verifier, 'predicate.verifier');
  const version = obj(verifier.version, 'predicate.verifier.version');
  const timeCreated = text(predicate.timeCreated, 'predicate.timeCreated');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(timeCreated) || !Number.isFinite(Date.parse(timeCreated))) {
    invalid('"predicate.timeCreated" must be an RFC 3339 time in UTC.');
  }
  if (!Array.isArray(predicate.properties) || predicate.properties.some((p) => typeof p !== 'string')) invalid('"predicate.properties" must be an array of strings.');
  const details = obj(predicate.fragmark, 'predicate.fragmark');
  let claims: AttestationClaims;
  try {
    claims = parseAttestationClaims({ tenant: details.tenant, model: details.model, watermark: details.watermark, verification: details.verification });
  } catch (error) {
    invalid(`"predicate.fragmark" does not hold valid attestation claims: ${(error as Error).message}`);
  }
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject,
    predicateType: SVR_PREDICATE_TYPE,
    predicate: {
      verifier: { id: text(verifier.id, 'predicate.verifier.id'), version: { fragmark: text(version.fragmark, 'predicate.verifier.version.fragmark') } },
      timeCreated,
      properties: predicate.properties as string[],
      fragmark: {
        jti: text(details.jti, 'predicate.fragmark.jti'),
        sub: text(details.sub, 'predicate.fragmark.sub'),
        ...(details.aud !== undefined ? { aud: text(details.aud, 'predicate.fragmark.aud') } : {}),
        ...(details.eat_nonce !== undefined ? { eat_nonce: text(details.eat_nonce, 'predicate.fragmark.eat_nonce') } : {}),
        ...claims,
      },
    },
  };
}

/** What a verified JWT says, as far as the statement must repeat it. */
export interface TokenFacts {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  aud?: unknown;
  eat_nonce?: unknown;
  fragmark: AttestationClaims;
}

function mismatch(what: string): never {
  throw new AttestationError('EVIDENCE_MISMATCH', `The in-toto statement and the attestation token disagree: ${what}.`);
}

/**
 * Checks that a verified statement says what the verified token says: the same issuer, token id,
 * model version, audience, nonce and time, the same claims (verification id, verdict, counts,
 * digests, watermark, ...), and subjects whose digests are the claims' digests.
 * Throws EVIDENCE_MISMATCH naming the first disagreement.
 */
export function checkStatementMatchesToken(statement: VerificationStatement, token: TokenFacts): void {
  const details = statement.predicate.fragmark;
  const claims = parseAttestationClaims(token.fragmark);
  if (details.jti !== token.jti) mismatch(`the statement is about token ${JSON.stringify(details.jti)}, the token is ${JSON.stringify(token.jti)}`);
  if (statement.predicate.verifier.id !== token.iss) mismatch('the verifier is not the token\'s issuer');
  if (details.sub !== token.sub || !token.sub.startsWith(SUBJECT_PREFIX)) mismatch('they name different model versions');
  if ((details.aud ?? undefined) !== (token.aud ?? undefined)) mismatch('they name different audiences');
  if ((details.eat_nonce ?? undefined) !== (token.eat_nonce ?? undefined)) mismatch('they carry different nonces');
  if (Date.parse(statement.predicate.timeCreated) !== token.iat * 1000) mismatch('they were made at different times');
  const stated: AttestationClaims = { tenant: details.tenant, model: details.model, watermark: details.watermark, verification: details.verification };
  for (const [path, a, b] of [
    ['verification id', stated.verification.id, claims.verification.id],
    ['verdict', stated.verification.verdict, claims.verification.verdict],
    ['model weights digest', stated.model.digest, claims.model.digest],
    ['model artifact digest', stated.model.artifactDigest, claims.model.artifactDigest],
    ['watermark commitment', stated.watermark.commitment, claims.watermark.commitment],
  ] as const) {
    if (a !== b) mismatch(`the ${path} differs`);
  }
  if (!isDeepStrictEqual(stated, claims)) mismatch('their claims differ');
  const expected = subjectsOf(claims, token.sub).map((s) => [s.name, s.digest.sha256]);
  const actual = statement.subject.map((s) => [s.name, s.digest.sha256]);
  if (!isDeepStrictEqual(actual, expected)) mismatch('the subject digests are not the model\'s digests');
}
