/**
 * The in-toto Statement v1 with the SVR predicate v0.1 (in-toto/attestation spec/v1/statement.md,
 * spec/predicates/svr.md), built from the signed claims only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sut from './in-toto-statement.ts';
import type { AttestationClaims } from './attestation-claims.ts';
import { AttestationError, type AttestationErrorCode } from './attestation.errors.ts';

const WEIGHTS = 'ab'.repeat(32);
const ARTIFACT = 'ef'.repeat(32);
const VERSION_ID = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const SUB = `urn:fragmark:model-version:${VERSION_ID}`;
const ISSUED = new Date('2026-03-01T12:00:00.000Z');

const claims: AttestationClaims = {
  tenant: '0196a1b2-0000-7000-8000-000000000001',
  model: { id: '0196a1b2-0000-7000-8000-000000000002', name: 'mnist-cnn', version: 'v3', digest: WEIGHTS },
  watermark: { id: '0196a1b2-0000-7000-8000-000000000003', scheme: 'fragmark-fragile-trigger/1', commitment: 'cd'.repeat(32), profile: 'FP16' },
  verification: { id: '0196a1b2-0000-7000-8000-000000000004', mode: 'ARTIFACT', triggersQueried: 100, triggersMatched: 100, accTri: 1, policy: { kind: 'strict' }, verdict: 'intact' },
};

const input = (c: AttestationClaims = claims): sut.StatementInput => ({
  claims: c,
  issuer: 'https://fragmark.example',
  jti: '6f1c1f4e-0000-4000-8000-000000000009',
  subject: SUB,
  audience: 'https://auditor.example',
  nonce: 'n-1',
  issuedAt: ISSUED,
  verifierVersion: '0.1.0',
});

function refused(run: () => unknown, code: AttestationErrorCode, pattern?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AttestationError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test('a statement is an in-toto Statement v1 with the SVR v0.1 predicate, as the specs lay it out', () => {
  const statement = sut.buildVerificationStatement(input());
  assert.deepEqual(Object.keys(statement), ['_type', 'subject', 'predicateType', 'predicate']);
  assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
  assert.equal(statement.predicateType, 'https://in-toto.io/attestation/svr/v0.1');
  // Every subject has a digest (statement.md), lower-case hex under a standard algorithm name (digest_set.md).
  assert.deepEqual(statement.subject.map((s) => [s.name, s.digest]), [['mnist-cnn@v3/weights', { sha256: WEIGHTS }]]);
  const { verifier, timeCreated, properties } = statement.predicate;
  // svr.md: verifier.id (required), timeCreated (required, RFC 3339 UTC), properties (required, strings).
  assert.deepEqual(verifier, { id: 'https://fragmark.example', version: { fragmark: '0.1.0' } });
  assert.equal(timeCreated, '2026-03-01T12:00:00Z');
  assert.deepEqual(properties, ['FRAGMARK_WATERMARK_INTACT', 'FRAGMARK_WATERMARK_INTACT_ARTIFACT']);
  // The details: the token's id, subject, audience, nonce and its fragmark claim, verbatim.
  assert.deepEqual(statement.predicate.fragmark, { jti: input().jti, sub: SUB, aud: 'https://auditor.example', eat_nonce: 'n-1', ...claims });
});

test('a tampered verdict lists no passing property (so a policy that needs INTACT is monotonic)', () => {
  const tampered = { ...claims, verification: { ...claims.verification, triggersMatched: 90, accTri: 0.9, verdict: 'tampered' as const } };
  const statement = sut.buildVerificationStatement(input(tampered));
  assert.deepEqual(statement.predicate.properties, []);
  assert.equal(statement.predicate.fragmark.verification.verdict, 'tampered');
  assert.equal(statement.predicate.fragmark.verification.accTri, 0.9);
});

test('members added to the claims flow into the statement: the artifact digest subject, endpoint, strength, signature', () => {
  const richer: AttestationClaims = {
    ...claims,
    model: {
      ...claims.model,
      digest: `sha256:${WEIGHTS}`,
      artifactDigest: ARTIFACT,
      signature: { format: 'oms-v1.0', keyId: 'k1', publicKeySha256: '12'.repeat(32), digestsMatch: true, verifiedAt: '2026-02-01T00:00:00.000Z' },
    },
    watermark: { ...claims.watermark, strength: { level: 'standard', triggers: 100, method: 'JUNCTION', flipFractionUnderNoise: 0.4, noiseStd: 0.01, detectionFloor: 1 } },
    verification: {
      ...claims.verification,
      mode: 'ENDPOINT',
      endpoint: { registered: true, id: 'e1', url: 'https://serving.example/v2/models/m/infer', protocol: 'KSERVE_V2', modelName: 'm', inputFormat: 'FLOAT32', tlsCertificateSha256: null },
    },
  };
  const statement = sut.buildVerificationStatement(input(richer));
  assert.deepEqual(statement.subject.map((s) => [s.name, s.digest]), [
    ['mnist-cnn@v3/weights', { sha256: WEIGHTS }],
    ['mnist-cnn@v3/artifact', { sha256: ARTIFACT }],
  ]);
  assert.deepEqual(statement.predicate.properties, ['FRAGMARK_WATERMARK_INTACT', 'FRAGMARK_WATERMARK_INTACT_ENDPOINT', 'FRAGMARK_ENDPOINT_REGISTERED', 'FRAGMARK_MODEL_SIGNATURE_VERIFIED']);
  assert.deepEqual(statement.predicate.fragmark.verification.endpoint, richer.verification.endpoint);
  assert.deepEqual(statement.predicate.fragmark.watermark.strength, richer.watermark.strength);
  assert.deepEqual(statement.predicate.fragmark.model.signature, richer.model.signature);
});

test('a digest that is not SHA-256 cannot name a subject', () => {
  refused(() => sut.buildVerificationStatement(input({ ...claims, model: { ...claims.model, digest: 'md5:abc' } })), 'STATEMENT_INVALID', /weights digest/);
});

test('parse: a serialized statement parses back; wrong types and missing parts are refused', () => {
  const statement = sut.buildVerificationStatement(input());
  assert.deepEqual(sut.parseVerificationStatement(sut.serializeStatement(statement)), statement);
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  // Unknown fields are ignored (spec/v1/README.md, parsing rules).
  assert.deepEqual(sut.parseVerificationStatement(bytes({ ...statement, future: 1 })), statement);
  for (const [bad, pattern] of [
    [{ ...statement, _type: 'https://in-toto.io/Statement/v0.1' }, /_type/],
    [{ ...statement, predicateType: 'https://slsa.dev/verification_summary/v1' }, /predicateType/],
    [{ ...statement, subject: [] }, /subject/],
    [{ ...statement, subject: [{ name: 'x', digest: {} }] }, /digest/],
    [{ ...statement, predicate: { ...statement.predicate, properties: 'FRAGMARK_WATERMARK_INTACT' } }, /properties/],
    [{ ...statement, predicate: { ...statement.predicate, timeCreated: '1 March 2026' } }, /timeCreated/],
    [{ ...statement, predicate: { ...statement.predicate, fragmark: { ...statement.predicate.fragmark, verification: { ...claims.verification, accTri: 2 } } } }, /accTri/],
  ] as const) {
    refused(() => sut.parseVerificationStatement(bytes(bad)), 'STATEMENT_INVALID', pattern);
  }
  refused(() => sut.parseVerificationStatement(new Uint8Array([0xff, 0xfe])), 'STATEMENT_INVALID');
});

test('checkStatementMatchesToken: the statement must repeat the token; any difference is named', () => {
  const statement = sut.buildVerificationStatement(input());
  const token: sut.TokenFacts = { iss: 'https://fragmark.example', sub: SUB, jti: input().jti, iat: ISSUED.getTime() / 1000, aud: 'https://auditor.example', eat_nonce: 'n-1', fragmark: claims };
  sut.checkStatementMatchesToken(statement, token);
  const other = (change: Partial<sut.TokenFacts>, pattern: RegExp) => refused(() => sut.checkStatementMatchesToken(statement, { ...token, ...change }), 'EVIDENCE_MISMATCH', pattern);
  other({ jti: '6f1c1f4e-0000-4000-8000-00000000000a' }, /token/);
  other({ iss: 'https://evil.example' }, /issuer/);
  other({ sub: 'urn:fragmark:model-version:other' }, /model versions/);
  other({ aud: undefined }, /audiences/);
  other({ eat_nonce: 'n-2' }, /nonces/);
  other({ iat: token.iat + 1 }, /times/);
  other({ fragmark: { ...claims, verification: { ...claims.verification, id: '0196a1b2-0000-7000-8000-00000000000f' } } }, /verification id/);
  other({ fragmark: { ...claims, verification: { ...claims.verification, triggersMatched: 99, accTri: 0.99, verdict: 'tampered' } } }, /verdict/);
  other({ fragmark: { ...claims, model: { ...claims.model, digest: '00'.repeat(32) } } }, /weights digest/);
  other({ fragmark: { ...claims, verification: { ...claims.verification, triggersQueried: 101, accTri: 100 / 101 } } }, /claims differ/);
  // A subject whose digest was edited (the statement re-signed by whoever holds the key) is named too.
  const edited = { ...statement, subject: [{ ...statement.subject[0]!, digest: { sha256: '00'.repeat(32) } }] };
  refused(() => sut.checkStatementMatchesToken(edited, token), 'EVIDENCE_MISMATCH', /subject digests/);
});
