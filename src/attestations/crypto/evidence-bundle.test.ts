/**
 * Evidence bundles checked offline: a bundle made here with a real key and the real token,
 * statement and envelope code verifies; every part that is altered, swapped or inconsistent is
 * refused with its own code. (The round trip through a running server: test/cli/evidence-commands.test.ts.)
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AttestationClaims } from './attestation-claims.ts';
import { AttestationError, type AttestationErrorCode } from './attestation.errors.ts';
import { signAttestation, SUBJECT_PREFIX } from './attestation-token.ts';
import { signDsseEnvelope } from './dsse-envelope.ts';
import * as sut from './evidence-bundle.ts';
import { buildVerificationStatement, IN_TOTO_PAYLOAD_TYPE, serializeStatement } from './in-toto-statement.ts';
import { buildJwks, generateSigningKey, type SigningKeyMaterial } from './signing-keys.ts';

const ISSUER = 'https://fragmark.example';
const VERSION_ID = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const ISSUED = new Date('2026-03-01T12:00:00.000Z');
const EXPORTED = new Date('2026-03-02T08:00:00.000Z');
const NOW = new Date('2027-01-01T00:00:00.000Z');

const claims: AttestationClaims = {
  tenant: '0196a1b2-0000-7000-8000-000000000001',
  model: { id: '0196a1b2-0000-7000-8000-000000000002', name: 'mnist-cnn', version: 'v3', digest: 'ab'.repeat(32) },
  watermark: { id: '0196a1b2-0000-7000-8000-000000000003', scheme: 'fragmark-fragile-trigger/1', commitment: 'cd'.repeat(32) },
  verification: { id: '0196a1b2-0000-7000-8000-000000000004', mode: 'ARTIFACT', triggersQueried: 10, triggersMatched: 10, accTri: 1, policy: { kind: 'strict' }, verdict: 'intact' },
};

let key: SigningKeyMaterial;
let bundle: sut.EvidenceBundle;

async function makeBundle(signer: SigningKeyMaterial, c: AttestationClaims = claims, jti = '6f1c1f4e-0000-4000-8000-000000000009'): Promise<sut.EvidenceBundle> {
  const signed = await signAttestation(signer, c, { issuer: ISSUER, modelVersionId: VERSION_ID, ttlSeconds: 30 * 86400, now: ISSUED, jti });
  const statement = buildVerificationStatement({ claims: signed.claims, issuer: ISSUER, jti, subject: `${SUBJECT_PREFIX}${VERSION_ID}`, issuedAt: signed.issuedAt, verifierVersion: '0.1.0' });
  return {
    bundleType: sut.EVIDENCE_BUNDLE_TYPE,
    exportedAt: EXPORTED.toISOString(),
    exportedBy: { tool: 'fragmark', version: '0.1.0' },
    howToCheck: sut.howToCheck(ISSUER),
    issuer: ISSUER,
    attestation: { jti, token: signed.token, issuedAt: signed.issuedAt.toISOString(), expiresAt: signed.expiresAt.toISOString() },
    dsseEnvelope: signDsseEnvelope(signer, IN_TOTO_PAYLOAD_TYPE, serializeStatement(statement)),
    jwks: buildJwks([signer.publicJwk]),
    revocation: { jti, known: true, revoked: false, reason: null, revokedAt: null, expiresAt: signed.expiresAt.toISOString(), askedAt: EXPORTED.toISOString(), source: `${ISSUER}/graphql` },
    facts: {
      verification: { id: claims.verification.id, verdict: 'INTACT' },
      modelVersion: { id: VERSION_ID, weightsDigest: claims.model.digest },
      model: { id: claims.model.id, name: claims.model.name },
      watermark: { id: claims.watermark.id, commitment: claims.watermark.commitment },
    },
  };
}

before(async () => {
  key = await generateSigningKey();
  bundle = await makeBundle(key);
});

const copy = (): any => structuredClone(bundle);

async function refused(value: unknown, code: AttestationErrorCode, pattern?: RegExp, options: sut.VerifyEvidenceOptions = {}): Promise<void> {
  await assert.rejects(sut.verifyEvidenceBundle(value, { issuer: ISSUER, now: NOW, ...options }), (error: unknown) => {
    assert.ok(error instanceof AttestationError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test('a bundle verifies offline, months after its export and after its token expired (judged as of the export)', async () => {
  const checked = await sut.verifyEvidenceBundle(bundle, { issuer: ISSUER, now: NOW });
  assert.equal(checked.keyId, key.kid);
  assert.equal(checked.issuerPinned, true);
  assert.equal(checked.keyPinned, false);
  assert.equal(checked.expiredSinceExport, true);
  assert.equal(checked.exportedAt.toISOString(), EXPORTED.toISOString());
  assert.equal(checked.statement.predicate.fragmark.jti, bundle.attestation.jti);
  assert.deepEqual(checked.revocation, bundle.revocation);
  // The bundle's own issuer, when none is named.
  assert.equal((await sut.verifyEvidenceBundle(bundle, { now: NOW })).issuerPinned, false);
});

test('the token: altered, or judged before it was issued, is refused', async () => {
  const altered = copy();
  altered.attestation.token = altered.attestation.token.slice(0, -6) + (altered.attestation.token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
  await refused(altered, 'TOKEN_SIGNATURE_INVALID');
  const early = copy();
  early.exportedAt = '2026-02-01T00:00:00.000Z';
  await refused(early, 'TOKEN_NOT_YET_VALID');
});

test('the statement: edited, signed by another key, or about another token, is refused', async () => {
  const edited = copy();
  const statement = JSON.parse(Buffer.from(edited.dsseEnvelope.payload, 'base64').toString('utf8'));
  statement.predicate.fragmark.verification.accTri = 0.5;
  edited.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  await refused(edited, 'ENVELOPE_SIGNATURE_INVALID');

  // A second key of the same issuer (e.g. after a rotation) signed the envelope: not the token's key.
  const second = await generateSigningKey();
  const other = copy();
  other.jwks = buildJwks([key.publicJwk, second.publicJwk]);
  other.dsseEnvelope = signDsseEnvelope(second, IN_TOTO_PAYLOAD_TYPE, Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
  await refused(other, 'ENVELOPE_KEY_UNKNOWN', /not signed by key/);

  // The envelope of another attestation by the same key.
  const another = await makeBundle(key, { ...claims, verification: { ...claims.verification, id: '0196a1b2-0000-7000-8000-00000000000e' } }, '6f1c1f4e-0000-4000-8000-00000000000e');
  const mixed = copy();
  mixed.dsseEnvelope = another.dsseEnvelope;
  await refused(mixed, 'EVIDENCE_MISMATCH', /disagree/);
});

test('the key set: replaced, or (with --jwks) not the one the auditor trusts, is refused', async () => {
  const attacker = await generateSigningKey();
  const replaced = copy();
  replaced.jwks = buildJwks([attacker.publicJwk]);
  await refused(replaced, 'TOKEN_KEY_UNKNOWN');
  // A bundle made entirely by another key is consistent in itself; only a trusted key set refuses it.
  const forged = await makeBundle(attacker);
  assert.equal((await sut.verifyEvidenceBundle(forged, { issuer: ISSUER, now: NOW })).keyId, attacker.kid);
  await refused(forged, 'TOKEN_KEY_UNKNOWN', undefined, { jwks: buildJwks([key.publicJwk]) });
  assert.equal((await sut.verifyEvidenceBundle(bundle, { issuer: ISSUER, now: NOW, jwks: buildJwks([key.publicJwk]) })).keyPinned, true);
});

test('the unsigned parts must name what the signed ones name', async () => {
  const cases: Array<[(b: any) => void, RegExp]> = [
    [(b) => (b.facts.verification.verdict = 'TAMPERED'), /verdict/],
    [(b) => (b.facts.verification.id = 'other'), /verification id/],
    [(b) => (b.facts.modelVersion.id = 'other'), /model version/],
    [(b) => (b.facts.modelVersion.weightsDigest = '00'.repeat(32)), /weights digest/],
    [(b) => (b.facts.watermark.commitment = '00'.repeat(32)), /watermark/],
    [(b) => (b.attestation.jti = '6f1c1f4e-0000-4000-8000-00000000000f'), /attestation\.jti/],
    [(b) => (b.revocation.jti = '6f1c1f4e-0000-4000-8000-00000000000f'), /another attestation/],
  ];
  for (const [change, pattern] of cases) {
    const b = copy();
    change(b);
    await refused(b, 'EVIDENCE_MISMATCH', pattern);
  }
  await refused(copy(), 'EVIDENCE_MISMATCH', /expected issuer/, { issuer: 'https://other.example' });
});

test('not a bundle: refused as malformed, naming the part', async () => {
  const cases: Array<[(b: any) => void, RegExp]> = [
    [(b) => (b.bundleType = 'fragmark-evidence-bundle/v0'), /bundleType/],
    [(b) => (b.exportedAt = 'yesterday'), /exportedAt/],
    [(b) => (b.exportedAt = '2030-01-01T00:00:00.000Z'), /future/],
    [(b) => delete b.attestation, /attestation/],
    [(b) => (b.jwks = { keys: 'none' }), /jwks/],
    [(b) => (b.revocation.revoked = 'no'), /revocation\.revoked/],
    [(b) => delete b.facts, /facts/],
  ];
  for (const [change, pattern] of cases) {
    const b = copy();
    change(b);
    await refused(b, 'EVIDENCE_MALFORMED', pattern);
  }
  await refused(null, 'EVIDENCE_MALFORMED');
});
