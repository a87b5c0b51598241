import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import * as sut from './attestation-token.ts';
import { AttestationError, type AttestationErrorCode } from './attestation.errors.ts';
import { buildJwks, generateSigningKey, type SigningKeyMaterial } from './signing-keys.ts';

const ISSUER = 'https://fragmark.example';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const IAT = NOW.getTime() / 1000;
const TTL = 3600;
const VERSION_ID = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

const claims: sut.AttestationClaims = {
  tenant: '0196a1b2-0000-7000-8000-000000000001',
  model: { id: '0196a1b2-0000-7000-8000-000000000002', name: 'mnist-cnn', version: 'v3', digest: 'sha256:' + 'ab'.repeat(32) },
  watermark: { id: '0196a1b2-0000-7000-8000-000000000003', scheme: 'fragile-trigger/1', commitment: 'sha256:' + 'cd'.repeat(32) },
  verification: {
    id: '0196a1b2-0000-7000-8000-000000000004',
    mode: 'ARTIFACT',
    triggersQueried: 100,
    triggersMatched: 100,
    accTri: 1,
    policy: { kind: 'strict' },
    verdict: 'intact',
  },
};

let keyA: SigningKeyMaterial;
let keyB: SigningKeyMaterial;
let jwks: { keys: JWK[] };

before(async () => {
  keyA = await generateSigningKey();
  keyB = await generateSigningKey();
  jwks = buildJwks([keyA.publicJwk]);
});

const sign = (options: Partial<sut.SignOptions> = {}, key = keyA, c: sut.AttestationClaims = claims) =>
  sut.signAttestation(key, c, { issuer: ISSUER, modelVersionId: VERSION_ID, ttlSeconds: TTL, now: NOW, ...options });

const verify = (token: string, options: Partial<sut.VerifyOptions> = {}, keySet = jwks) =>
  sut.verifyAttestation(token, keySet, { issuer: ISSUER, now: NOW, ...options });

async function refused(promise: Promise<unknown>, code: AttestationErrorCode): Promise<AttestationError> {
  let caught: unknown;
  await promise.then(() => assert.fail(`expected ${code}, but the token verified`), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof AttestationError, `expected AttestationError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.length > 10);
  return caught;
}

/** Signs arbitrary header + payload with a real key (for validly signed but non-conforming tokens). */
async function forge(header: Record<string, unknown>, payload: JWTPayload, key = keyA): Promise<string> {
  const cryptoKey = await importJWK(key.privateJwk, 'EdDSA');
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(cryptoKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function validPayload(overrides: Record<string, unknown> = {}): Promise<JWTPayload> {
  const { token } = await sign();
  return { ...decodeJwt(token), ...overrides };
}

test('round trip: signed token verifies and yields the claims', async () => {
  const signed = await sign();
  assert.equal(signed.issuedAt.getTime(), NOW.getTime());
  assert.equal(signed.expiresAt.getTime(), NOW.getTime() + TTL * 1000);
  const verified = await verify(signed.token);
  assert.deepEqual(verified.header, { alg: 'EdDSA', typ: 'fragmark-attestation+jwt', kid: keyA.kid });
  assert.deepEqual(verified.payload.fragmark, claims);
  assert.equal(verified.payload.jti, signed.jti);
  assert.equal(verified.payload.sub, `urn:fragmark:model-version:${VERSION_ID}`);
  // without `now`: the real clock, token issued now
  const fresh = await sut.signAttestation(keyA, claims, { issuer: ISSUER, modelVersionId: VERSION_ID, ttlSeconds: 60 });
  await sut.verifyAttestation(fresh.token, jwks, { issuer: ISSUER });
});

test('header and claims are exactly the contract; aud and eat_nonce absent unless given', async () => {
  const { token, jti } = await sign();
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'EdDSA', typ: 'fragmark-attestation+jwt', kid: keyA.kid });
  const payload = decodeJwt(token);
  assert.deepEqual(Object.keys(payload), ['iss', 'sub', 'iat', 'nbf', 'exp', 'jti', 'fragmark']);
  assert.deepEqual(payload, {
    iss: ISSUER, sub: `urn:fragmark:model-version:${VERSION_ID}`, iat: IAT, nbf: IAT, exp: IAT + TTL, jti, fragmark: claims,
  });
  assert.match(jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual((await sign()).jti, jti);

  const nulls = decodeJwt((await sign({ audience: null, nonce: null })).token);
  assert.equal('aud' in nulls, false);
  assert.equal('eat_nonce' in nulls, false);

  const full = await sign({ audience: 'https://auditor.example', nonce: 'n-0123456789abcdef', jti: 'my-jti-1' });
  const fullPayload = decodeJwt(full.token);
  assert.deepEqual(Object.keys(fullPayload), ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'eat_nonce', 'fragmark']);
  assert.equal(fullPayload.aud, 'https://auditor.example');
  assert.equal(fullPayload.eat_nonce, 'n-0123456789abcdef');
  assert.equal(full.jti, 'my-jti-1');
  const verified = await verify(full.token, { audience: 'https://auditor.example' });
  assert.equal(verified.payload.eat_nonce, 'n-0123456789abcdef');
});

test('only contract members are signed; inconsistent verdicts and bad options are refused', async () => {
  const leaky = structuredClone(claims) as sut.AttestationClaims & { triggers?: unknown };
  leaky.triggers = [{ label: 7 }];
  (leaky.watermark as Record<string, unknown>).labels = [1, 2, 3];
  const payload = decodeJwt((await sign({}, keyA, leaky)).token);
  assert.deepEqual(payload.fragmark, claims);

  const lying = structuredClone(claims);
  lying.verification.triggersMatched = 99;
  lying.verification.accTri = 0.99;
  await refused(sign({}, keyA, lying), 'TOKEN_CLAIMS_INVALID');
  lying.verification.policy = { kind: 'tolerance', maxMismatchFraction: 0.01 };
  await sign({}, keyA, lying); // 1 mismatch in 100 is within a 1% tolerance
  const tampered = structuredClone(lying);
  tampered.verification.verdict = 'tampered';
  await refused(sign({}, keyA, tampered), 'TOKEN_CLAIMS_INVALID');

  const badShape = structuredClone(claims) as unknown as { verification: { mode: string } };
  badShape.verification.mode = 'GUESS';
  await refused(sign({}, keyA, badShape as unknown as sut.AttestationClaims), 'TOKEN_CLAIMS_INVALID');

  await assert.rejects(sign({ ttlSeconds: 0 }), TypeError);
  await assert.rejects(sign({ modelVersionId: 'a:b' }), TypeError);
  await assert.rejects(sign({ audience: '' }), TypeError);
  await refused(sign({}, { ...keyA, kid: keyB.kid }), 'SIGNING_KEY_INVALID');
});

test('binding claims (endpoint, checked artifact, strength, model signature) round-trip and refuse contradictions', async () => {
  const hex = (c: string) => c.repeat(64);
  const bound: sut.AttestationClaims = structuredClone(claims);
  bound.model.artifactDigest = hex('1');
  bound.model.signature = { format: 'oms-v1.0', keyId: 'k-1', publicKeySha256: hex('2'), digestsMatch: true, verifiedAt: '2026-03-01T11:00:00.000Z' };
  bound.watermark.strength = { level: 'weak', triggers: 10, method: 'CE_ONLY', flipFractionUnderNoise: 0, noiseStd: 0.01, detectionFloor: 1 };
  bound.verification.mode = 'ENDPOINT';
  bound.verification.enrollment = { id: 'e-1', triggersExcluded: 2, triggersEnrolled: 98 };
  bound.verification.endpoint = { registered: false, id: null, url: 'https://serving.example/v2/models/m/infer', protocol: 'KSERVE_V2', modelName: 'm', inputFormat: 'UINT8', tlsCertificateSha256: hex('3') };
  const verified = await verify((await sign({}, keyA, bound)).token);
  assert.deepEqual(verified.payload.fragmark, bound);

  const artifact = structuredClone(claims);
  artifact.verification.artifact = {
    candidate: true, checkedWeightsDigest: 'sha-a', checkedArtifactDigest: hex('4'), registeredWeightsDigest: 'sha-b', registeredArtifactDigest: hex('5'), weightsMatchRegistered: false,
  };
  assert.deepEqual((await verify((await sign({}, keyA, artifact)).token)).payload.fragmark, artifact);

  const contradictions: Array<(c: sut.AttestationClaims) => void> = [
    (c) => { c.verification.artifact = { ...artifact.verification.artifact!, weightsMatchRegistered: true }; },
    (c) => { c.verification.endpoint = { ...bound.verification.endpoint!, registered: true }; },
    (c) => { c.verification.endpoint = { ...bound.verification.endpoint!, tlsCertificateSha256: 'not-a-digest' }; },
    (c) => { c.watermark.strength = { ...bound.watermark.strength!, detectionFloor: 11 }; },
    (c) => { c.model.signature = { ...bound.model.signature!, digestsMatch: false as true }; },
  ];
  for (const contradict of contradictions) {
    const bad = structuredClone(claims);
    contradict(bad);
    await refused(sign({}, keyA, bad), 'TOKEN_CLAIMS_INVALID');
  }
});

function flipByte(token: string, part: number, index: number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[index] = bytes[index]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

test('a flipped byte in header, payload or signature is refused', async () => {
  const { token } = await sign();
  const lengths = token.split('.').map((p) => Buffer.from(p, 'base64url').length);
  for (const part of [0, 1, 2]) {
    const n = lengths[part]!;
    for (const index of [0, Math.floor(n / 2), n - 1]) {
      const altered = flipByte(token, part, index);
      assert.notEqual(altered, token);
      await assert.rejects(verify(altered), AttestationError, `part ${part} byte ${index}`);
    }
  }
  const midPayload = flipByte(token, 1, 40);
  await refused(verify(midPayload), 'TOKEN_SIGNATURE_INVALID');
  await refused(verify(flipByte(token, 2, 10)), 'TOKEN_SIGNATURE_INVALID');
});

/** The token with the last character of `part` changed in the bits base64url leaves unused. */
function strayBits(token: string, part: number): string {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const parts = token.split('.');
  const text = parts[part]!;
  // Unused bits of the last character: 4 when the length is 2 mod 4, 2 when it is 3 mod 4.
  const unused = text.length % 4 === 2 ? 4 : text.length % 4 === 3 ? 2 : 0;
  assert.ok(unused > 0, `part ${part} has no unused bits`);
  parts[part] = text.slice(0, -1) + ALPHABET[ALPHABET.indexOf(text.at(-1)!) ^ 1];
  return parts.join('.');
}

test('a token re-spelt with stray bits in the last base64url character is refused', async () => {
  const { token } = await sign();
  // Ed25519 signatures are 64 bytes: 86 characters, the last one with 4 unused bits.
  const altered = strayBits(token, 2);
  assert.notEqual(altered, token);
  assert.deepEqual(Buffer.from(altered.split('.')[2]!, 'base64url'), Buffer.from(token.split('.')[2]!, 'base64url'), 'same signature bytes');
  const error = await refused(verify(altered), 'TOKEN_MALFORMED');
  assert.match(error.message, /canonical base64url/);
  // An impossible length (one character past a 4-character group) is refused the same way.
  await refused(verify(`${token}AAA`), 'TOKEN_MALFORMED');
  assert.equal(sut.isCanonicalBase64url(token.split('.')[2]!), true);
  assert.equal(sut.isCanonicalBase64url('AB'), false);
  assert.equal(sut.isCanonicalBase64url('AQ'), true);
});

test('malformed tokens are refused', async () => {
  const { token } = await sign();
  const [h, p] = token.split('.');
  for (const bad of ['', 'abc', `${h}.${p}`, `${token}.x`, `${h}.${p}.sig!`, `x.${p}.AAAA`, `.${p}.AAAA`, 'a'.repeat(20000)]) {
    await refused(verify(bad), 'TOKEN_MALFORMED');
  }
  await refused(verify(`${h}.${p}.`), 'TOKEN_SIGNATURE_INVALID');
  await refused(verify(`${b64({ alg: 'EdDSA', typ: 'fragmark-attestation+jwt' })}.${p}.AAAA`), 'TOKEN_MALFORMED'); // no kid
});

test('alg none (crafted by hand) is refused', async () => {
  const payload = await validPayload();
  const none = `${b64({ alg: 'none', typ: 'fragmark-attestation+jwt', kid: keyA.kid })}.${b64(payload)}.`;
  await refused(verify(none), 'TOKEN_ALGORITHM_REFUSED');
  const noneWithSig = `${b64({ alg: 'none', typ: 'fragmark-attestation+jwt', kid: keyA.kid })}.${b64(payload)}.AAAA`;
  await refused(verify(noneWithSig), 'TOKEN_ALGORITHM_REFUSED');
  await refused(verify(`${b64({ alg: 'NONE', typ: 'fragmark-attestation+jwt', kid: keyA.kid })}.${b64(payload)}.`), 'TOKEN_ALGORITHM_REFUSED');
  await refused(verify(`${b64({ typ: 'fragmark-attestation+jwt', kid: keyA.kid })}.${b64(payload)}.`), 'TOKEN_ALGORITHM_REFUSED');
});

test('HS256 signed with the public key as secret (algorithm confusion) is refused', async () => {
  const payload = await validPayload();
  const secrets = [
    Buffer.from(keyA.publicJwk.x!, 'base64url'),
    Buffer.from(JSON.stringify(keyA.publicJwk)),
    Buffer.from(JSON.stringify(jwks)),
  ];
  for (const secret of secrets) {
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'fragmark-attestation+jwt', kid: keyA.kid })
      .sign(new Uint8Array(secret));
    await refused(verify(hs), 'TOKEN_ALGORITHM_REFUSED');
  }
  // Other asymmetric algorithms and the fully-specified "Ed25519" alg are not on the allow-list either.
  const rs = `${b64({ alg: 'RS256', typ: 'fragmark-attestation+jwt', kid: keyA.kid })}.${b64(payload)}.AAAA`;
  await refused(verify(rs), 'TOKEN_ALGORITHM_REFUSED');
  const ed = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'Ed25519', typ: 'fragmark-attestation+jwt', kid: keyA.kid })
    .sign(await importJWK(keyA.privateJwk, 'Ed25519'));
  await refused(verify(ed), 'TOKEN_ALGORITHM_REFUSED');
});

test('wrong typ is refused (exact match, case included)', async () => {
  const payload = await validPayload();
  for (const typ of ['JWT', 'at+jwt', 'Fragmark-Attestation+JWT', 'application/fragmark-attestation+jwt', undefined]) {
    const header: Record<string, unknown> = { kid: keyA.kid };
    if (typ !== undefined) header.typ = typ;
    await refused(verify(await forge(header, payload)), 'TOKEN_TYPE_INVALID');
  }
});

test('wrong issuer is refused', async () => {
  const { token } = await sign({ issuer: 'https://evil.example' });
  await refused(verify(token), 'TOKEN_ISSUER_INVALID');
  await refused(verify((await sign()).token, { issuer: `${ISSUER}/` }), 'TOKEN_ISSUER_INVALID');
});

test('audience: must match when expected; required when expected; a token with aud needs an expected audience', async () => {
  const withAud = (await sign({ audience: 'https://auditor.example' })).token;
  await verify(withAud, { audience: 'https://auditor.example' });
  await refused(verify(withAud, { audience: 'https://other.example' }), 'TOKEN_AUDIENCE_INVALID');
  await refused(verify(withAud), 'TOKEN_AUDIENCE_INVALID');
  await refused(verify(withAud, { audience: null }), 'TOKEN_AUDIENCE_INVALID');
  const withoutAud = (await sign()).token;
  const e = await refused(verify(withoutAud, { audience: 'https://auditor.example' }), 'TOKEN_AUDIENCE_INVALID');
  assert.match(e.message, /no audience/);
  // An aud array that names us is accepted (RFC 7519), one that does not is refused.
  const arrayAud = await forge({ typ: 'fragmark-attestation+jwt', kid: keyA.kid }, await validPayload({ aud: ['a', 'https://auditor.example'] }));
  await verify(arrayAud, { audience: 'https://auditor.example' });
  await refused(verify(arrayAud, { audience: 'b' }), 'TOKEN_AUDIENCE_INVALID');
});

test('expiry with clock tolerance (default 60 s)', async () => {
  const { token } = await sign();
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
  await verify(token, { now: at(TTL - 1) });
  await verify(token, { now: at(TTL + 59) }); // expired, but within the default tolerance
  await refused(verify(token, { now: at(TTL + 61) }), 'TOKEN_EXPIRED');
  await refused(verify(token, { now: at(TTL + 1), clockToleranceSeconds: 0 }), 'TOKEN_EXPIRED');
  await verify(token, { now: at(TTL + 200), clockToleranceSeconds: 300 });
});

test('not yet valid, with clock tolerance', async () => {
  const { token } = await sign();
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
  await verify(token, { now: at(-59) });
  await refused(verify(token, { now: at(-61) }), 'TOKEN_NOT_YET_VALID');
  await refused(verify(token, { now: at(-1), clockToleranceSeconds: 0 }), 'TOKEN_NOT_YET_VALID');
  // iat in the future is refused even with an early nbf
  const future = await forge({ typ: 'fragmark-attestation+jwt', kid: keyA.kid }, await validPayload({ nbf: IAT - 1000, iat: IAT + 1000 }));
  await refused(verify(future), 'TOKEN_NOT_YET_VALID');
});

test('required claims present and well typed', async () => {
  const header = { typ: 'fragmark-attestation+jwt', kid: keyA.kid };
  const base = await validPayload();
  const cases: Array<Record<string, unknown>> = [
    { sub: 'model-version:1' },
    { sub: 'urn:fragmark:model:1' },
    { sub: 'urn:fragmark:model-version:' },
    { sub: undefined },
    { jti: undefined },
    { jti: '' },
    { exp: undefined },
    { nbf: undefined },
    { iat: undefined },
    { exp: 'later' },
    { exp: IAT, nbf: IAT },
    { eat_nonce: 42 },
    { fragmark: undefined },
    { fragmark: 'intact' },
    { fragmark: { ...claims, tenant: 5 } },
    { fragmark: { ...claims, model: { ...claims.model, digest: undefined } } },
    { fragmark: { ...claims, watermark: null } },
    { fragmark: { ...claims, verification: { ...claims.verification, verdict: 'ok' } } },
    { fragmark: { ...claims, verification: { ...claims.verification, triggersMatched: 101 } } },
    { fragmark: { ...claims, verification: { ...claims.verification, accTri: 1.5 } } },
    { fragmark: { ...claims, verification: { ...claims.verification, policy: { kind: 'lenient' } } } },
    { fragmark: { ...claims, verification: { ...claims.verification, policy: { kind: 'tolerance' } } } },
  ];
  for (const overrides of cases) {
    const payload: Record<string, unknown> = { ...base, ...overrides };
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete payload[k];
    await assert.rejects(
      verify(await forge(header, payload as JWTPayload)),
      (e: unknown) => e instanceof AttestationError && e.code === 'TOKEN_CLAIMS_INVALID',
      JSON.stringify(overrides),
    );
  }
  // Unknown extra members from a newer issuer are tolerated.
  const extra = await forge(header, { ...base, fragmark: { ...claims, future: true } });
  assert.deepEqual((await verify(extra)).payload.fragmark, claims);
});

test('unknown kid is refused; a known kid with another key\'s signature is refused', async () => {
  const { token } = await sign({}, keyB);
  await refused(verify(token), 'TOKEN_KEY_UNKNOWN');
  await refused(verify(token, {}, { keys: [] }), 'TOKEN_KEY_UNKNOWN');
  const mislabelled = await forge({ typ: 'fragmark-attestation+jwt', kid: keyA.kid }, await validPayload(), keyB);
  await refused(verify(mislabelled), 'TOKEN_SIGNATURE_INVALID');
  // A JWKS entry whose kid is not its thumbprint, or which is not Ed25519, is never used.
  await refused(verify(token, {}, { keys: [{ ...keyA.publicJwk, kid: keyB.kid }] }), 'TOKEN_KEY_UNKNOWN');
  await refused(verify(token, {}, { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: keyB.kid }] }), 'TOKEN_KEY_UNKNOWN');
  await refused(verify(token, {}, { nope: 1 } as unknown as { keys: JWK[] }), 'JWKS_UNAVAILABLE');
});

test('rotation: with two keys in the JWKS, tokens signed by either verify', async () => {
  const rotated = buildJwks([keyB.publicJwk, keyA.publicJwk]);
  assert.equal(JSON.stringify(rotated).includes('"d"'), false);
  for (const key of [keyA, keyB]) {
    const { token } = await sign({}, key);
    const verified = await verify(token, {}, rotated);
    assert.equal(verified.header.kid, key.kid);
  }
  // Once the old key is dropped from the set, its tokens no longer verify.
  await refused(verify((await sign({}, keyA)).token, {}, buildJwks([keyB.publicJwk])), 'TOKEN_KEY_UNKNOWN');
});

test('every error code has a human reason and messages never contain the private key', async () => {
  const { ATTESTATION_ERROR_REASONS } = await import('./attestation.errors.ts');
  for (const reason of Object.values(ATTESTATION_ERROR_REASONS)) assert.ok(reason.length > 20);
  const e = await refused(sign({}, { ...keyA, kid: keyB.kid }), 'SIGNING_KEY_INVALID');
  assert.ok(!e.message.includes(keyA.privateJwk.d!));
});

// --- verifyAttestationWithIssuer against a real local HTTP server -------------------------------

let server: Server;
let issuerUrl: string;
let serverJwks: unknown;
let status = 200;
let requests = 0;

before(async () => {
  server = createServer((req, res) => {
    requests += 1;
    if (req.url === '/.well-known/jwks.json' || req.url === '/keys') {
      res.writeHead(status, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
      res.end(typeof serverJwks === 'string' ? serverJwks : JSON.stringify(serverJwks));
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/.well-known/jwks.json' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  if (server.listening) {
    server.closeAllConnections();
    server.close();
  }
});

test('verifyAttestationWithIssuer fetches the JWKS from the issuer', async () => {
  serverJwks = buildJwks([keyB.publicJwk, keyA.publicJwk]);
  status = 200;
  const { token } = await sign({ issuer: issuerUrl, audience: 'acme' });
  const verified = await sut.verifyAttestationWithIssuer(token, { issuer: issuerUrl, audience: 'acme', now: NOW });
  assert.equal(verified.payload.iss, issuerUrl);
  assert.deepEqual(verified.payload.fragmark, claims);
  // trailing slash on the configured issuer still finds the JWKS, but iss must match exactly
  await refused(sut.verifyAttestationWithIssuer(token, { issuer: `${issuerUrl}/`, audience: 'acme', now: NOW }), 'TOKEN_ISSUER_INVALID');
  // explicit JWKS URL
  await sut.verifyAttestationWithIssuer(token, { issuer: issuerUrl, audience: 'acme', now: NOW, jwksUrl: `${issuerUrl}/keys` });
  // a bad token is refused before anything is fetched
  const before = requests;
  await refused(sut.verifyAttestationWithIssuer('garbage', { issuer: issuerUrl, now: NOW }), 'TOKEN_MALFORMED');
  assert.equal(requests, before);
});

test('verifyAttestationWithIssuer: JWKS_UNAVAILABLE on HTTP errors, invalid bodies, redirects, plain http off-host, and when the server is down', async () => {
  const { token } = await sign({ issuer: issuerUrl });
  const opts = { issuer: issuerUrl, now: NOW };
  status = 500;
  serverJwks = buildJwks([keyA.publicJwk]);
  await refused(sut.verifyAttestationWithIssuer(token, opts), 'JWKS_UNAVAILABLE');
  status = 200;
  serverJwks = '<html>not json</html>';
  await refused(sut.verifyAttestationWithIssuer(token, opts), 'JWKS_UNAVAILABLE');
  serverJwks = { keys: 'none' };
  await refused(sut.verifyAttestationWithIssuer(token, opts), 'JWKS_UNAVAILABLE');
  serverJwks = buildJwks([keyA.publicJwk]);
  await refused(sut.verifyAttestationWithIssuer(token, { ...opts, jwksUrl: `${issuerUrl}/redirect` }), 'JWKS_UNAVAILABLE');
  await refused(sut.verifyAttestationWithIssuer(token, { ...opts, jwksUrl: `${issuerUrl}/missing` }), 'JWKS_UNAVAILABLE');
  await refused(sut.verifyAttestationWithIssuer(token, { ...opts, jwksUrl: 'http://keys.example/jwks.json' }), 'JWKS_UNAVAILABLE');
  await refused(sut.verifyAttestationWithIssuer(token, { ...opts, jwksUrl: 'file:///etc/passwd' }), 'JWKS_UNAVAILABLE');
  await refused(sut.verifyAttestationWithIssuer(token, { ...opts, jwksUrl: 'not a url' }), 'JWKS_UNAVAILABLE');
  await sut.verifyAttestationWithIssuer(token, opts);

  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await refused(sut.verifyAttestationWithIssuer(token, opts), 'JWKS_UNAVAILABLE');
});
