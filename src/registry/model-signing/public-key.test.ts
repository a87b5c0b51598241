import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { ModelSigningError } from './model-signing.errors.ts';
import { MAX_PUBLIC_KEY_PEM_BYTES, parseSigningPublicKey as sut, signatureVerifies } from './public-key.ts';

const pemOf = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }) as string;
const refused = (pattern: RegExp) => (e: unknown) => e instanceof ModelSigningError && e.code === 'MODEL_SIGNING_KEY_INVALID' && pattern.test(e.message);

describe('parseSigningPublicKey', () => {
  it('accepts ECDSA P-256, P-384, P-521 and Ed25519 keys, named by the SHA-256 of their SPKI DER', () => {
    const cases = [
      [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'ECDSA_P256'],
      [generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'ECDSA_P384'],
      [generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey, 'ECDSA_P521'],
      [generateKeyPairSync('ed25519').publicKey, 'ED25519'],
    ] as const;
    for (const [key, algorithm] of cases) {
      const parsed = sut(pemOf(key));
      assert.equal(parsed.algorithm, algorithm);
      assert.equal(parsed.spkiSha256, createHash('sha256').update(key.export({ format: 'der', type: 'spki' })).digest('hex'));
      assert.equal(parsed.omsKeyHint, createHash('sha256').update(pemOf(key)).digest('hex'), 'model_signing hashes the PEM text');
      assert.equal(parsed.pem, pemOf(key));
    }
  });

  it('reads the one PUBLIC KEY block among comment lines (as certtool writes them) and with CRLF line ends', () => {
    const pem = pemOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
    const parsed = sut(`Public Key Information:\n\tPublic Key Algorithm: EC/ECDSA\n\n${pem.replace(/\n/g, '\r\n')}`);
    assert.equal(parsed.pem, pem);
  });

  it('refuses other key types and curves, naming what was sent', () => {
    assert.throws(() => sut(pemOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)), refused(/is a rsa key/));
    assert.throws(() => sut(pemOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)), refused(/on secp256k1/));
    assert.throws(() => sut(pemOf(generateKeyPairSync('ed448').publicKey)), refused(/is a ed448 key/));
  });

  it('refuses a private key or a certificate without decoding it, and never echoes it', () => {
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    assert.throws(() => sut(privatePem), (e: unknown) => refused(/private key/)(e) && !(e as Error).message.includes(privatePem.split('\n')[1]!));
    assert.throws(() => sut('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), refused(/certificate/));
  });

  it('refuses anything but exactly one well-formed SPKI block', () => {
    const pem = pemOf(generateKeyPairSync('ed25519').publicKey);
    assert.throws(() => sut(''), refused(/exactly one/));
    assert.throws(() => sut(pem + pem), refused(/exactly one/));
    assert.throws(() => sut('-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----'), refused(/exactly one/));
    assert.throws(() => sut('-----BEGIN PUBLIC KEY-----\nMCow!!\n-----END PUBLIC KEY-----'), refused(/base64/));
    assert.throws(() => sut('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), refused(/not a valid SubjectPublicKeyInfo/));
    assert.throws(() => sut(pem.replace('-----END PUBLIC KEY-----', '')), refused(/END PUBLIC KEY/));
  });

  it('checks the size before parsing anything', () => {
    const pem = pemOf(generateKeyPairSync('ed25519').publicKey);
    assert.throws(() => sut(pem + ' '.repeat(MAX_PUBLIC_KEY_PEM_BYTES)), refused(/longer than 8192 bytes/));
    assert.throws(() => sut('é'.repeat(MAX_PUBLIC_KEY_PEM_BYTES / 2 + 1)), refused(/longer than/), 'counted in UTF-8 bytes');
  });
});

describe('signatureVerifies', () => {
  const message = Buffer.from('DSSEv1 28 application/vnd.in-toto+json 2 {}');

  it('checks ECDSA over the curve\'s hash (SHA-384 for P-384, SHA-512 for P-521), as model_signing signs', () => {
    for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512']] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const key = sut(pemOf(publicKey));
      assert.equal(signatureVerifies(key, message, sign(hash, message, privateKey)), true, curve);
      if (hash !== 'sha256') assert.equal(signatureVerifies(key, message, sign('sha256', message, privateKey)), false, `${curve} over SHA-256 is not what model_signing makes`);
      assert.equal(signatureVerifies(key, Buffer.concat([message, Buffer.from(' ')]), sign(hash, message, privateKey)), false);
    }
  });

  it('checks Ed25519, and answers false for garbage instead of throwing', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = sut(pemOf(publicKey));
    assert.equal(signatureVerifies(key, message, sign(null, message, privateKey)), true);
    assert.equal(signatureVerifies(key, message, Buffer.alloc(3)), false);
    assert.equal(signatureVerifies(sut(pemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)), message, Buffer.from('not DER')), false);
  });
});
