import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signAttestation, type AttestationClaims } from '../attestations/crypto/attestation-token.ts';
import { buildJwks, generateSigningKey } from '../attestations/crypto/signing-keys.ts';
import { verifyToken as sut } from './verify-token.ts';

const ISSUER = 'https://fragmark.example';
const claims: AttestationClaims = {
  tenant: '0196a1b2-0000-7000-8000-000000000001',
  model: { id: '0196a1b2-0000-7000-8000-000000000002', name: 'mnist-cnn', version: 'v3', digest: 'sha256:' + 'ab'.repeat(32) },
  watermark: { id: '0196a1b2-0000-7000-8000-000000000003', scheme: 'fragile-trigger/1', commitment: 'sha256:' + 'cd'.repeat(32) },
  verification: { id: '0196a1b2-0000-7000-8000-000000000004', mode: 'ARTIFACT', triggersQueried: 100, triggersMatched: 100, accTri: 1, policy: { kind: 'strict' }, verdict: 'intact' },
};

let dir: string;
let jwksFile: string;
let token: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fragmark-verify-token-'));
  const key = await generateSigningKey();
  jwksFile = path.join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify(buildJwks([key.publicJwk])));
  ({ token } = await signAttestation(key, claims, { issuer: ISSUER, modelVersionId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', ttlSeconds: 3600 }));
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(tokenArg: string, flags: Array<[string, string | true]> = [['offline', true]]): Promise<{ code: number; data: any; human: string }> {
  let data: any;
  let human = '';
  const code = await sut([tokenArg], new Map([['jwks', jwksFile], ['issuer', ISSUER], ...flags]), (text, json) => ((human = text), (data = json)));
  return { code, data, human };
}

test('verify-token --offline: valid, and the output says that revocation was not checked', async () => {
  const result = await run(token);
  assert.equal(result.code, 0);
  assert.deepEqual(result.data.revocation, { checked: false, why: '--offline' });
  assert.match(result.human, /revoked: +NOT CHECKED \(--offline\)/);
});

test('verify-token without --offline: an issuer that cannot be asked about revocation fails the check, naming --offline', async () => {
  // The JWT verifies (local key set), but nothing listens at the issuer's address.
  const key = await generateSigningKey();
  const issuer = 'http://127.0.0.1:9';
  const local = path.join(dir, 'local-jwks.json');
  await writeFile(local, JSON.stringify(buildJwks([key.publicJwk])));
  const { token: unreachable } = await signAttestation(key, claims, { issuer, modelVersionId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', ttlSeconds: 3600 });
  let data: any;
  const code = await sut([unreachable], new Map([['jwks', local], ['issuer', issuer]]), (_human, json) => (data = json));
  assert.equal(code, 1);
  assert.equal(data.code, 'STATUS_UNAVAILABLE');
  assert.match(data.reason, /could not be asked whether the attestation was revoked/);
  assert.match(data.reason, /--offline/);
});

test('verify-token: a token whose signature is re-spelt in its unused bits is invalid (exit 1)', async () => {
  assert.deepEqual((await run(token)).code, 0);
  const parts = token.split('.');
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // The 86th character of an Ed25519 signature carries 2 bits; flipping its lowest bit changes no byte.
  const last = parts[2]!.at(-1)!;
  parts[2] = parts[2]!.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) ^ 1];
  const altered = parts.join('.');
  assert.deepEqual(Buffer.from(parts[2], 'base64url'), Buffer.from(token.split('.')[2]!, 'base64url'));
  const result = await run(altered);
  assert.equal(result.code, 1);
  assert.equal(result.data.valid, false);
  assert.equal(result.data.code, 'TOKEN_MALFORMED');
});
