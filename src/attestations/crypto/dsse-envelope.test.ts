/**
 * DSSE envelopes (secure-systems-lab/dsse protocol.md, envelope.md). The signer is checked with
 * code written here from the spec, independently of dsse-envelope.ts: the PAE built by hand and
 * node:crypto's Ed25519 verify with the public JWK. Then our verifier refuses every tampering.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import type { JWK } from 'jose';
import * as sut from './dsse-envelope.ts';
import { AttestationError, type AttestationErrorCode } from './attestation.errors.ts';
import { buildJwks, generateSigningKey, type SigningKeyMaterial } from './signing-keys.ts';

const TYPE = 'application/vnd.in-toto+json';
const BODY = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1","note":"héllo"}');

let key: SigningKeyMaterial;
let other: SigningKeyMaterial;
let jwks: { keys: JWK[] };

before(async () => {
  key = await generateSigningKey();
  other = await generateSigningKey();
  jwks = buildJwks([other.publicJwk, key.publicJwk]);
});

/** protocol.md, "Signature Definition", written out independently of the code under test. */
function handMadePae(type: string, body: Uint8Array): Buffer {
  const t = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from('DSSEv1'), Buffer.from(' '), Buffer.from(String(t.length)), Buffer.from(' '), t, Buffer.from(' '), Buffer.from(String(body.length)), Buffer.from(' '), Buffer.from(body)]);
}

function refused(run: () => unknown, code: AttestationErrorCode): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AttestationError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('the PAE is the spec\'s test vector', () => {
  assert.equal(sut.preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString('utf8'), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  // Lengths are in bytes, not characters.
  assert.equal(sut.preAuthEncoding('t', Buffer.from('é')).toString('utf8'), 'DSSEv1 1 t 2 é');
});

test('an envelope verifies with code written from the spec (hand-made PAE, node:crypto, the public JWK)', () => {
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  assert.deepEqual(Object.keys(envelope).sort(), ['payload', 'payloadType', 'signatures']);
  assert.equal(envelope.payloadType, TYPE);
  assert.equal(envelope.signatures.length, 1);
  assert.equal(envelope.signatures[0]!.keyid, key.kid, 'keyid is the JWKS kid');
  const payload = Buffer.from(envelope.payload, 'base64');
  assert.deepEqual(new Uint8Array(payload), BODY);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x! }, format: 'jwk' });
  const sig = Buffer.from(envelope.signatures[0]!.sig, 'base64');
  assert.equal(verify(null, handMadePae(envelope.payloadType, payload), publicKey, sig), true);
  // And not over the bare payload, nor with another key.
  assert.equal(verify(null, payload, publicKey, sig), false);
  assert.equal(verify(null, handMadePae(envelope.payloadType, payload), createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: other.publicJwk.x! }, format: 'jwk' }), sig), false);
});

test('verifyDsseEnvelope returns the payload it verified and the key that signed it', () => {
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  const verified = sut.verifyDsseEnvelope(envelope, jwks, { payloadType: TYPE });
  assert.deepEqual(new Uint8Array(verified.payload), BODY);
  assert.equal(verified.keyId, key.kid);
  // envelope.md: verifiers accept URL-safe base64 too, and an unset keyid (then every key is tried).
  const urlSafe = { ...envelope, payload: Buffer.from(BODY).toString('base64url'), signatures: [{ sig: Buffer.from(envelope.signatures[0]!.sig, 'base64').toString('base64url') }] };
  assert.equal(sut.verifyDsseEnvelope(urlSafe, jwks, { payloadType: TYPE }).keyId, key.kid);
  // Unknown fields are ignored (envelope.md, parsing rules).
  assert.equal(sut.verifyDsseEnvelope({ ...envelope, extra: 1 }, jwks, { payloadType: TYPE, keyId: key.kid }).keyId, key.kid);
});

test('a changed payload is refused', () => {
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  const changed = new TextEncoder().encode(new TextDecoder().decode(BODY).replace('héllo', 'hallo'));
  refused(() => sut.verifyDsseEnvelope({ ...envelope, payload: Buffer.from(changed).toString('base64') }, jwks, { payloadType: TYPE }), 'ENVELOPE_SIGNATURE_INVALID');
});

test('another key is refused: a signature by a key not in the set, and a key set without the signer', () => {
  const byOther = sut.signDsseEnvelope(other, TYPE, BODY);
  // Claims the right keyid, but was signed by another key.
  const forged = { ...byOther, signatures: [{ keyid: key.kid, sig: byOther.signatures[0]!.sig }] };
  refused(() => sut.verifyDsseEnvelope(forged, jwks, { payloadType: TYPE }), 'ENVELOPE_SIGNATURE_INVALID');
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  refused(() => sut.verifyDsseEnvelope(envelope, buildJwks([other.publicJwk]), { payloadType: TYPE }), 'ENVELOPE_KEY_UNKNOWN');
  // Signed by a key of the set, but not the one required (the accompanying JWT's).
  refused(() => sut.verifyDsseEnvelope(byOther, jwks, { payloadType: TYPE, keyId: key.kid }), 'ENVELOPE_KEY_UNKNOWN');
  // The key set's entry for the kid holds another key (a replaced JWKS): its kid is recomputed, so it is not found.
  const replaced = { keys: [{ ...other.publicJwk, kid: key.kid }] };
  refused(() => sut.verifyDsseEnvelope(envelope, replaced, { payloadType: TYPE }), 'ENVELOPE_KEY_UNKNOWN');
});

test('a wrong payloadType is refused: edited after signing, or signed as another type', () => {
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  refused(() => sut.verifyDsseEnvelope({ ...envelope, payloadType: 'application/json' }, jwks, { payloadType: TYPE }), 'ENVELOPE_SIGNATURE_INVALID');
  const other = sut.signDsseEnvelope(key, 'application/json', BODY);
  refused(() => sut.verifyDsseEnvelope(other, jwks, { payloadType: TYPE }), 'ENVELOPE_PAYLOAD_TYPE_INVALID');
});

test('malformed envelopes are refused before any key is tried, oversized fields before decoding', () => {
  const envelope = sut.signDsseEnvelope(key, TYPE, BODY);
  for (const bad of [
    null,
    [],
    'envelope',
    { ...envelope, payload: 42 },
    { ...envelope, payload: 'not base64!' },
    { ...envelope, payloadType: undefined },
    { ...envelope, signatures: [] },
    { ...envelope, signatures: 'sig' },
    { ...envelope, signatures: [{ keyid: 7, sig: envelope.signatures[0]!.sig }] },
    { ...envelope, signatures: Array.from({ length: 9 }, () => envelope.signatures[0]) },
    { ...envelope, payload: 'A'.repeat(sut.MAX_DSSE_PAYLOAD_BYTES * 2) },
    { ...envelope, signatures: [{ keyid: key.kid, sig: 'A'.repeat(200) }] },
  ]) {
    refused(() => sut.verifyDsseEnvelope(bad, jwks, { payloadType: TYPE }), 'ENVELOPE_MALFORMED');
  }
  // A truncated signature verifies with no key.
  refused(() => sut.verifyDsseEnvelope({ ...envelope, signatures: [{ keyid: key.kid, sig: envelope.signatures[0]!.sig.slice(0, 40) }] }, jwks, { payloadType: TYPE }), 'ENVELOPE_SIGNATURE_INVALID');
});

test('a stored envelope is checked, not cast: one written by dsseEnvelopeJson reads back, an altered row is ENVELOPE_MALFORMED', () => {
  const envelope = sut.signDsseEnvelope(key, 'application/vnd.in-toto+json', Buffer.from('{"a":1}'));
  const stored = JSON.parse(JSON.stringify(sut.dsseEnvelopeJson(envelope)));
  assert.deepEqual(sut.storedDsseEnvelope(stored), envelope);
  for (const altered of [null, [], { ...stored, payload: 42 }, { ...stored, signatures: [] }, { ...stored, signatures: [{ keyid: 'k', sig: '%%%' }] }]) {
    assert.throws(() => sut.storedDsseEnvelope(altered), (error) => error instanceof AttestationError && error.code === 'ENVELOPE_MALFORMED');
  }
});
