/**
 * `fragmark verify-token --issuer` asks the issuer whether the token was revoked (the public
 * attestationStatus query), against a real running API: a revoked token exits 1 with when and
 * why, an id the issuer never issued exits 1, an issuer that cannot be asked exits 1 naming
 * --offline, and --offline exits 0 saying that revocation was not checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { runCli } from '../support/cli.ts';
import { parsePrivateKey } from '../../src/attestations/crypto/signing-keys.ts';
import { parseAttestationClaims } from '../../src/attestations/crypto/attestation-claims.ts';
import { signAttestation } from '../../src/attestations/crypto/attestation-token.ts';

const CHALLENGE = `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 1 }) { challenge { id } userErrors { code message } } }`;
const ANSWER = `mutation($c: ID!) { answerChallenge(input: { challengeId: $c, labels: [0] }) { verification { id attestation { jti token } } userErrors { code message } } }`;
const REVOKE = `mutation($jti: ID!) { revokeAttestation(input: { jti: $jti, reason: "Issued for the wrong deployment." }) { attestation { revoked } userErrors { code message } } }`;
const STATUS = `query($jti: ID!) { attestationStatus(jti: $jti) { known revoked reason revokedAt } }`;

describe('verify-token asks the issuer about revocation', () => {
  let api: TestApi;
  let operatorKey: string;
  let watermarkId: string;
  let dir: string;
  let closed = false;

  /** A real CHALLENGE verification through the API: its attestation (INTACT or TAMPERED, both signed). */
  async function attestation(): Promise<{ jti: string; token: string }> {
    const challenge = await api.gql(CHALLENGE, { w: watermarkId }, operatorKey);
    assert.deepEqual(challenge.data.createChallenge.userErrors, []);
    const answered = await api.gql(ANSWER, { c: challenge.data.createChallenge.challenge.id }, operatorKey);
    assert.deepEqual(answered.data.answerChallenge.userErrors, []);
    return answered.data.answerChallenge.verification.attestation;
  }

  const verifyToken = (token: string, ...flags: string[]) => runCli(['verify-token', token, '--issuer', api.url, ...flags]);

  before(async () => {
    api = await startTestApi();
    const tenant = await createTenant(api, 'Relying party');
    operatorKey = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    watermarkId = (await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.id, { triggerCount: 40 })).id;
    dir = await mkdtemp(path.join(tmpdir(), 'fragmark-revocation-'));
  });
  after(async () => {
    if (!closed) await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a token that stands: exit 0, and the output says the issuer was asked', async () => {
    const { jti, token } = await attestation();
    const result = await verifyToken(token, '--json');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const data = JSON.parse(result.stdout);
    assert.equal(data.claims.jti, jti);
    assert.equal(data.revocation.checked, true);
    assert.equal(data.revocation.revoked, false);
    const human = await verifyToken(token);
    assert.equal(human.code, 0);
    assert.match(human.stderr, new RegExp(`revoked: +no \\(asked ${api.url.replace(/[.]/g, '\\.')} at `));
  });

  test('a revoked token: exit 1 with the time and the reason; --offline: exit 0, saying it did not check', async () => {
    const { jti, token } = await attestation();
    const revoked = await api.gql(REVOKE, { jti }, operatorKey);
    assert.deepEqual(revoked.data.revokeAttestation.userErrors, []);
    const status = (await api.gql(STATUS, { jti }, null)).data.attestationStatus;
    assert.equal(status.revoked, true);
    assert.ok(Math.abs(Date.parse(status.revokedAt) - Date.now()) < 60_000, `revokedAt ${status.revokedAt} is the revocation time`);

    const result = await verifyToken(token, '--json');
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const data = JSON.parse(result.stdout);
    assert.equal(data.valid, false);
    assert.equal(data.code, 'TOKEN_REVOKED');
    assert.equal(data.revokedAt, status.revokedAt);
    assert.equal(data.revocationReason, 'Issued for the wrong deployment.');
    assert.equal(data.reason, `Attestation ${jti} was revoked at ${status.revokedAt}: Issued for the wrong deployment.`);
    const human = await verifyToken(token);
    assert.equal(human.code, 1);
    assert.match(human.stderr, /^Invalid attestation: Attestation \S+ was revoked at \S+: Issued for the wrong deployment\.$/m);

    const offline = await verifyToken(token, '--offline');
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stderr, /revoked: +NOT CHECKED \(--offline\)/);
    const offlineJson = JSON.parse((await verifyToken(token, '--offline', '--json')).stdout);
    assert.deepEqual(offlineJson.revocation, { checked: false, why: '--offline' });
  });

  test('a token the issuer never issued (signed with its key, unknown id): exit 1, saying so', async () => {
    // The platform's own signing key, unsealed as the issuer unseals it, signs a token that was never recorded.
    const { token } = await attestation();
    const active = await api.database.db.signingKey.findFirstOrThrow({ where: { retiredAt: null } });
    const key = parsePrivateKey(await api.vault.unseal({ tenantId: null, purpose: 'signing-key', recordId: active.kid }, { apiKeyId: null }));
    const payload = decodeJwt(token);
    const unknownJti = randomUUID();
    const forged = await signAttestation(key, parseAttestationClaims(payload.fragmark), {
      issuer: api.url,
      modelVersionId: String(payload.sub).split(':').at(-1)!,
      ttlSeconds: 3600,
      jti: unknownJti,
    });
    const result = await verifyToken(forged.token, '--json');
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const data = JSON.parse(result.stdout);
    assert.equal(data.code, 'TOKEN_UNKNOWN_AT_ISSUER');
    assert.match(data.reason, new RegExp(`does not know attestation ${unknownJti}`));
  });

  test('an issuer that cannot be asked: exit 1 naming --offline; --offline still checks the signature', async () => {
    const { token } = await attestation();
    const jwksFile = path.join(dir, 'jwks.json');
    await writeFile(jwksFile, await (await fetch(`${api.url}/.well-known/jwks.json`)).text());
    await api.close();
    closed = true;
    const down = await runCli(['verify-token', token, '--jwks', jwksFile, '--issuer', api.url, '--json']);
    assert.equal(down.code, 1, down.stdout + down.stderr);
    const data = JSON.parse(down.stdout);
    assert.equal(data.code, 'STATUS_UNAVAILABLE');
    assert.match(data.reason, /could not be reached/);
    assert.match(data.reason, /Pass --offline/);
    const offline = await runCli(['verify-token', token, '--jwks', jwksFile, '--issuer', api.url, '--offline']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stderr, /NOT CHECKED \(--offline\)/);
    const altered = await runCli(['verify-token', token.slice(0, -4) + 'AAAA', '--jwks', jwksFile, '--issuer', api.url, '--offline']);
    assert.equal(altered.code, 1);
  });
});
