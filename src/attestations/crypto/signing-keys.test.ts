import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint } from 'jose';
import * as sut from './signing-keys.ts';
import { AttestationError } from './attestation.errors.ts';

const isKeyError = (e: unknown) => e instanceof AttestationError && e.code === 'SIGNING_KEY_INVALID';

test('generates an Ed25519 key whose kid is the RFC 7638 thumbprint', async () => {
  const key = await sut.generateSigningKey();
  assert.deepEqual(Object.keys(key.publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  assert.equal(key.publicJwk.kty, 'OKP');
  assert.equal(key.publicJwk.crv, 'Ed25519');
  assert.equal(key.publicJwk.alg, 'EdDSA');
  assert.equal(key.publicJwk.use, 'sig');
  assert.equal(key.kid, await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x! }, 'sha256'));
  assert.equal(key.publicJwk.kid, key.kid);
  assert.equal(typeof key.privateJwk.d, 'string');
  assert.equal(key.privateJwk.x, key.publicJwk.x);
  const other = await sut.generateSigningKey();
  assert.notEqual(other.kid, key.kid);
});

test('serialise / parse round trip', async () => {
  const key = await sut.generateSigningKey();
  const bytes = sut.serialisePrivateKey(key);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual(sut.parsePrivateKey(bytes), key);
});

test('parsePrivateKey rejects garbage with a clear error that does not echo the secret', async () => {
  const key = await sut.generateSigningKey();
  const other = await sut.generateSigningKey();
  const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    new Uint8Array([0xff, 0xfe, 0x00, 0x01]),
    enc('not json'),
    enc('[]'),
    enc(null),
    enc({ ...key.privateJwk, kty: 'EC' }),
    enc({ ...key.privateJwk, crv: 'Ed448' }),
    enc({ ...key.privateJwk, d: undefined }),
    enc({ ...key.privateJwk, d: 'short' }),
    enc({ ...key.privateJwk, x: other.publicJwk.x }), // public part not derived from d (kid then also wrong)
    enc({ ...key.privateJwk, x: other.publicJwk.x, kid: other.kid }), // consistent kid, wrong pair
    enc({ ...key.privateJwk, kid: other.kid }),
    enc({ ...key.privateJwk, alg: 'HS256' }),
    enc({ ...key.privateJwk, use: 'enc' }),
    new Uint8Array(5000).fill(0x20),
  ];
  for (const bytes of bad) {
    assert.throws(() => sut.parsePrivateKey(bytes), (e: unknown) => isKeyError(e) && !(e as Error).message.includes(key.privateJwk.d!));
  }
});

test('buildJwks publishes public members only, never d, keeps order (newest first) and drops duplicates', async () => {
  const newest = await sut.generateSigningKey();
  const older = await sut.generateSigningKey();
  const jwks = sut.buildJwks([newest.privateJwk, older.publicJwk, newest.publicJwk]);
  assert.deepEqual(jwks.keys.map((k) => k.kid), [newest.kid, older.kid]);
  assert.deepEqual(jwks.keys, [newest.publicJwk, older.publicJwk]);
  const text = JSON.stringify(jwks);
  assert.ok(!text.includes('"d"'));
  assert.ok(!text.includes(newest.privateJwk.d!));
  for (const k of jwks.keys) assert.equal('d' in k, false);
  assert.deepEqual(sut.buildJwks([]), { keys: [] });
});

test('buildJwks refuses non-Ed25519 keys and kids that are not thumbprints', async () => {
  const key = await sut.generateSigningKey();
  assert.throws(() => sut.buildJwks([{ kty: 'oct', k: 'c2VjcmV0' }]), isKeyError);
  assert.throws(() => sut.buildJwks([{ ...key.publicJwk, kid: 'my-key' }]), isKeyError);
  assert.throws(() => sut.buildJwks([{ ...key.publicJwk, x: 'AAAA' }]), isKeyError);
});
