/**
 * `fragmark evidence show | export | verify` against a real server and worker, with a real
 * ARTIFACT verification: the envelope verifies, a bundle round-trips (export, then verify offline),
 * and tampered bundles are refused (JWT swapped, statement edited, key set replaced, facts
 * edited), as is a bundle whose attestation was revoked before the export.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { runCli } from '../support/cli.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { signDsseEnvelope, verifyDsseEnvelope } from '../../src/attestations/crypto/dsse-envelope.ts';
import { buildJwks, generateSigningKey } from '../../src/attestations/crypto/signing-keys.ts';
import { signAttestation } from '../../src/attestations/crypto/attestation-token.ts';
import { parseAttestationClaims } from '../../src/attestations/crypto/attestation-claims.ts';
import { evidenceVerify } from '../../src/cli/evidence-commands.ts';

const RESULT = `query($id: ID!) { verification(id: $id) { id verdict errorReason modelVersion { weightsDigest } attestation { jti token dsseEnvelope { payload payloadType signatures { keyid sig } } statement } } }`;

describe('evidence commands', () => {
  let api: TestApi;
  let worker: TestWorker;
  let key: string;
  let dir: string;
  let versionId: string;
  let watermarkId: string;
  let intact: any;
  let env: Record<string, string>;

  async function waitFor<T>(poll: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 1200; i++) {
      const value = await poll();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }

  /** A real ARTIFACT verification of the registered version, run by the worker. */
  async function verifyArtifact(): Promise<any> {
    const started = await api.gql(`mutation($v: ID!) { verifyModel(input: { modelVersionId: $v, mode: ARTIFACT }) { verification { id } userErrors { message } } }`, { v: versionId }, key);
    const id = started.data.verifyModel.verification.id;
    return waitFor(async () => {
      const v = (await api.gql(RESULT, { id }, key)).data.verification;
      if (v.verdict === 'ERROR') throw new Error(v.errorReason);
      return v.verdict === 'PENDING' ? undefined : v;
    });
  }

  const file = (name: string) => path.join(dir, name);
  const evidence = (...args: string[]) => runCli(['evidence', ...args], env);
  /** `fragmark evidence verify <bundle> --issuer <api>` run in this process (the spawned command is tested above). */
  const verifyBundle = async (bundle: unknown, flags: Array<[string, string]> = []) => {
    const at = file(`bundle-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(at, typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
    let data: any;
    const code = await evidenceVerify([at], new Map([['issuer', api.url], ...flags]), (_human, json) => (data = json));
    return { code, data };
  };
  const refusedWith = async (bundle: unknown, code: string, pattern?: RegExp, flags: Array<[string, string]> = []) => {
    const result = await verifyBundle(bundle, flags);
    assert.equal(result.code, 1, JSON.stringify(result.data));
    assert.equal(result.data.valid, false);
    assert.equal(result.data.code, code, result.data.reason);
    if (pattern) assert.match(result.data.reason, pattern);
  };

  before(async () => {
    api = await startTestApi({}, { superviseIntervalSeconds: 1 });
    const tenant = await createTenant(api, 'Evidence');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    env = { FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key };
    dir = await mkdtemp(path.join(tmpdir(), 'fragmark-evidence-'));
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "digits" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = await api.gql(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`,
      { input: { modelId, label: '1.0.0' } },
      key,
    );
    versionId = created.data.createModelVersion.modelVersion.id;
    await uploadFiles(api, key, created.data.createModelVersion.modelVersion.uploadPath, await saveModelToFiles(model));
    model.dispose();
    worker = await startTestWorker(api);
    const started = await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY" }) { watermark { id } job { id } } }`, { v: versionId }, key);
    watermarkId = started.data.startWatermark.watermark.id;
    await waitFor(async () => {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.data.startWatermark.job.id }, key)).data.job;
      if (job.status === 'FAILED' || job.status === 'CANCELLED') throw new Error(job.error);
      return job.status === 'SUCCEEDED' ? true : undefined;
    });
    intact = await verifyArtifact();
    assert.equal(intact.verdict, 'INTACT');
  });
  after(async () => {
    await stopTestWorker(worker);
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the attestation carries a DSSE envelope, signed by the token\'s key, whose statement names the verified version', async () => {
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const { attestation } = intact;
    const verified = verifyDsseEnvelope(attestation.dsseEnvelope, jwks, { payloadType: 'application/vnd.in-toto+json', keyId: decodeProtectedHeader(attestation.token).kid });
    const statement = JSON.parse(verified.payload.toString('utf8'));
    assert.equal(attestation.statement, verified.payload.toString('utf8'), 'Attestation.statement is the signed payload');
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, 'https://in-toto.io/attestation/svr/v0.1');
    assert.equal(statement.subject[0].digest.sha256, intact.modelVersion.weightsDigest);
    assert.equal(statement.predicate.verifier.id, api.url);
    assert.match(statement.predicate.verifier.version.fragmark, /^\d+\.\d+\.\d+/);
    assert.deepEqual(statement.predicate.properties.slice(0, 2), ['FRAGMARK_WATERMARK_INTACT', 'FRAGMARK_WATERMARK_INTACT_ARTIFACT']);
    assert.equal(statement.predicate.fragmark.jti, attestation.jti);
    assert.deepEqual({ ...statement.predicate.fragmark, jti: undefined, sub: undefined }, { ...decodeJwt(attestation.token).fragmark as object, jti: undefined, sub: undefined });
    assert.equal(Date.parse(statement.predicate.timeCreated), Number(decodeJwt(attestation.token).iat) * 1000);

    const shown = await evidence('show', intact.id, '--json');
    assert.equal(shown.code, 0, shown.stderr);
    const data = JSON.parse(shown.stdout);
    assert.deepEqual(data.dsseEnvelope, attestation.dsseEnvelope);
    assert.deepEqual(data.statement, statement);
  });

  test('export, then verify offline: the round trip is valid, and says what it did not check', async () => {
    const out = file('evidence.json');
    const exported = await evidence('export', intact.id, '--out', out, '--json');
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    assert.equal(JSON.parse(exported.stdout).jti, intact.attestation.jti);
    const text = await readFile(out, 'utf8');
    const bundle = JSON.parse(text);
    assert.equal(bundle.bundleType, 'fragmark-evidence-bundle/v1');
    assert.equal(bundle.issuer, api.url);
    assert.equal(bundle.attestation.token, intact.attestation.token);
    assert.deepEqual(bundle.dsseEnvelope, intact.attestation.dsseEnvelope);
    assert.deepEqual(bundle.jwks, await (await fetch(`${api.url}/.well-known/jwks.json`)).json());
    assert.equal(bundle.revocation.known, true);
    assert.equal(bundle.revocation.revoked, false);
    assert.equal(bundle.revocation.askedAt, bundle.exportedAt);
    assert.equal(bundle.facts.verification.id, intact.id);
    assert.equal(bundle.facts.modelVersion.weightsDigest, intact.modelVersion.weightsDigest);
    assert.equal(bundle.facts.model.name, 'digits');
    assert.equal(bundle.facts.watermark.id, watermarkId);
    assert.ok(bundle.howToCheck.length >= 5 && bundle.howToCheck.every((line: unknown) => typeof line === 'string'));
    assert.ok(!text.includes(key) && !/fmk_/.test(text), 'no API key in the bundle');
    assert.ok(!/"(labels|triggers|data|parameters|credential)"/.test(text), 'no trigger data, labels or secrets in the bundle');

    const checked = await runCli(['evidence', 'verify', out, '--issuer', api.url, '--json']);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const data = JSON.parse(checked.stdout);
    assert.equal(data.valid, true);
    assert.equal(data.verdict, 'intact');
    assert.equal(data.issuerPinned, true);
    assert.equal(data.keyPinned, false);
    assert.equal(data.revocation.revoked, false);
    assert.equal(data.revocation.asOfExport, true);
    const human = await runCli(['evidence', 'verify', out]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stderr, /revoked: +no, as recorded at the export \(/);
    assert.match(human.stderr, /issuer: +NOT PINNED/);
    assert.match(human.stderr, /from the bundle's snapshot/);
    // With a key set obtained separately (here: the issuer's, saved now).
    const jwksFile = file('trusted-jwks.json');
    await writeFile(jwksFile, JSON.stringify(bundle.jwks));
    const pinned = await runCli(['evidence', 'verify', out, '--issuer', api.url, '--jwks', jwksFile, '--json']);
    assert.equal(pinned.code, 0, pinned.stdout);
    assert.equal(JSON.parse(pinned.stdout).keyPinned, true);
  });

  test('tampered bundles are refused: JWT swapped, statement edited, key set replaced, facts edited', async () => {
    const out = file('original.json');
    assert.equal((await evidence('export', intact.id, '--out', out)).code, 0);
    const bundle = JSON.parse(await readFile(out, 'utf8'));
    const clone = () => structuredClone(bundle);

    // The JWT of another verification of the same issuer (valid on its own) swapped in, with its id.
    const other = await verifyArtifact();
    const swapped = clone();
    swapped.attestation = { ...swapped.attestation, jti: other.attestation.jti, token: other.attestation.token };
    swapped.revocation.jti = other.attestation.jti;
    await refusedWith(swapped, 'EVIDENCE_MISMATCH', /statement and the attestation token disagree/);
    const swappedOnly = clone();
    swappedOnly.attestation.token = other.attestation.token;
    await refusedWith(swappedOnly, 'EVIDENCE_MISMATCH', /attestation\.jti/);

    // The statement edited: a TAMPERED verdict made to look intact, or the other way round.
    const edited = clone();
    const statement = JSON.parse(Buffer.from(edited.dsseEnvelope.payload, 'base64').toString('utf8'));
    statement.predicate.fragmark.verification.verdict = 'tampered';
    statement.predicate.properties = [];
    edited.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    await refusedWith(edited, 'ENVELOPE_SIGNATURE_INVALID');

    // The key set's key replaced by another one: the token's key is no longer there.
    const attacker = await generateSigningKey();
    const replaced = clone();
    replaced.jwks = buildJwks([attacker.publicJwk]);
    await refusedWith(replaced, 'TOKEN_KEY_UNKNOWN');
    // ... and the whole bundle re-signed by the attacker's key: consistent in itself, so only a key
    // set the auditor trusts refuses it.
    const payload = decodeJwt(bundle.attestation.token);
    const forged = clone();
    const resigned = await signAttestation(attacker, parseAttestationClaims(payload.fragmark), {
      issuer: api.url, modelVersionId: versionId, ttlSeconds: 3600, jti: String(payload.jti), now: new Date(Number(payload.iat) * 1000),
    });
    forged.attestation.token = resigned.token;
    forged.jwks = buildJwks([attacker.publicJwk]);
    forged.dsseEnvelope = signDsseEnvelope(attacker, 'application/vnd.in-toto+json', Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
    const selfConsistent = await verifyBundle(forged);
    assert.equal(selfConsistent.code, 0, 'a self-consistent forgery verifies against its own snapshot: why --jwks exists');
    assert.equal(selfConsistent.data.keyId, attacker.kid, 'and names the key, to compare');
    const trusted = file('trusted.json');
    await writeFile(trusted, JSON.stringify(bundle.jwks));
    await refusedWith(forged, 'TOKEN_KEY_UNKNOWN', undefined, [['jwks', trusted]]);

    // The unsigned facts edited.
    const facts = clone();
    facts.facts.verification.verdict = 'TAMPERED';
    await refusedWith(facts, 'EVIDENCE_MISMATCH', /facts and the signed claims disagree on the verdict/);

    // Another issuer than the one trusted; not a bundle; too large to read.
    await refusedWith(clone(), 'EVIDENCE_MISMATCH', /not from the expected issuer/, [['issuer', 'https://fragmark.example']]);
    await refusedWith('{"bundleType": "something else"}', 'EVIDENCE_MALFORMED');
    await refusedWith('not json', 'EVIDENCE_MALFORMED', /not JSON/);
    await refusedWith(' '.repeat(1024 * 1024 + 1), 'EVIDENCE_MALFORMED', /larger than/);
  });

  test('an attestation revoked before the export: the bundle records it, and verify exits 1 saying so as of the export', async () => {
    const revokedVerification = await verifyArtifact();
    const revoked = await api.gql(
      `mutation($jti: ID!) { revokeAttestation(input: { jti: $jti, reason: "Model withdrawn." }) { userErrors { code } } }`,
      { jti: revokedVerification.attestation.jti },
      key,
    );
    assert.deepEqual(revoked.data.revokeAttestation.userErrors, []);
    const out = file('revoked.json');
    const exported = await evidence('export', revokedVerification.id, '--out', out);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /REVOKED \(Model withdrawn\.\)/);
    const bundle = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(bundle.revocation.revoked, true);
    assert.equal(bundle.revocation.reason, 'Model withdrawn.');
    assert.ok(bundle.revocation.revokedAt);
    const result = await runCli(['evidence', 'verify', out, '--issuer', api.url]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`was revoked at ${bundle.revocation.revokedAt.replace(/[.]/g, '\\.')} \\(as recorded at the export, ${bundle.exportedAt.replace(/[.]/g, '\\.')}\\): Model withdrawn\\.`));
  });

  test('clear errors: missing --out, no such verification', async () => {
    assert.equal((await evidence('export', intact.id)).code, 2);
    const missing = await evidence('export', '00000000-0000-7000-8000-000000000000', '--out', file('x.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No verification/);
  });
});
