/**
 * Verification end to end: watermark a model, then check the original and a tampered copy as
 * artifacts, behind inference endpoints in both protocols (and a broken one), by challenge;
 * every INTACT/TAMPERED verdict carries a token that verifies offline against the JWKS.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { classifierFromModel, gaussianNoise, initBackend, predictLabels, saveModelToFiles, type Classifier } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';
import { verifyAttestation } from '../../src/attestations/crypto/attestation-token.ts';
import * as tf from '@tensorflow/tfjs';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rewriteWeights } from '../../src/engine/index.ts';
import { layersModelOf } from '../../src/engine/index.ts';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));
const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id verdict } job { id } userErrors { code message field } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { id mode verdict triggersQueried triggersMatched accTri errorReason job { status error } attestation { jti token revoked }
  endpoint { id registered name url } tlsCertificateSha256 checkedWeightsDigest checkedArtifactDigest weightsMatchRegistered } }`;
const TLS_CERT = fileURLToPath(new URL('../fixtures/tls/endpoint.cert.pem', import.meta.url));
const TLS_KEY = fileURLToPath(new URL('../fixtures/tls/endpoint.key.pem', import.meta.url));
const ENDPOINT_FIELDS = 'id registered name url hasCredential';

function cli(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('verification and attestations', () => {
  let api: TestApi;
  let worker: TestWorker;
  let key: string;
  let tenant: { id: string; adminKey: string };
  let versionId: string;
  let watermarkId: string;
  let original: Classifier;
  let tampered: Classifier;
  const servers: RunningInferenceServer[] = [];
  const tokens: Record<string, string> = {};

  async function run(input: Record<string, unknown>): Promise<any> {
    const started = await api.gql(VERIFY, { input: { modelVersionId: versionId, ...input } }, key);
    assert.deepEqual(started.data.verifyModel.userErrors, [], JSON.stringify(started));
    const id = started.data.verifyModel.verification.id;
    for (let i = 0; i < 600; i++) {
      const v = (await api.gql(RESULT, { id }, key)).data.verification;
      if (v.verdict !== 'PENDING') return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('verification did not finish');
  }
  const jwks = async () => (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS }, { superviseIntervalSeconds: 1 });
    tenant = await createTenant(api, 'Verifier');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
    original = classifierFromModel(model);
    tampered = classifierFromModel(await gaussianNoise(model, { std: 0.05, seed: 'tamper' }));

    const kserve = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier: original, credential: 'endpoint-secret' });
    servers.push(kserve);
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "digits" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = await api.gql(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { code message } } }`,
      { input: { modelId, label: '1', endpoint: { url: kserve.url, protocol: 'KSERVE_V2', modelName: 'digits', credential: 'endpoint-secret' } } },
      tenant.adminKey, // registering an endpoint is a tenant admin's act
    );
    const version = created.data.createModelVersion.modelVersion;
    versionId = version.id;
    await uploadFiles(api, key, version.uploadPath, await saveModelToFiles(model));
    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS, FRAGMARK_ENDPOINT_CA_FILE: TLS_CERT });
    // 30 triggers, for speed: a weak watermark (allowWeak), which every token below says it is.
    const started = await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 30, allowWeak: true }) { watermark { id } job { id } } }`, { v: versionId }, key);
    watermarkId = started.data.startWatermark.watermark.id;
    for (;;) {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.data.startWatermark.job.id }, key)).data.job;
      if (job.status === 'SUCCEEDED') break;
      if (job.status === 'FAILED') throw new Error(job.error);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    for (const s of servers) await s.close();
    await stopTestWorker(worker);
    await api.close();
  });

  test('ARTIFACT: the original is INTACT, with a token that verifies offline and with verify-token', async () => {
    const v = await run({ mode: 'ARTIFACT', audience: 'auditor.example', nonce: 'n-123' });
    assert.equal(v.verdict, 'INTACT');
    assert.deepEqual([v.triggersQueried, v.triggersMatched, v.accTri], [30, 30, 1]);
    const verified = await verifyAttestation(v.attestation.token, await jwks(), { issuer: api.url, audience: 'auditor.example' });
    const claims = verified.payload;
    assert.equal(verified.header.typ, 'fragmark-attestation+jwt');
    assert.equal(claims.sub, `urn:fragmark:model-version:${versionId}`);
    assert.equal(claims.eat_nonce, 'n-123');
    assert.equal(claims.fragmark.verification.verdict, 'intact');
    assert.equal(claims.fragmark.watermark.id, watermarkId);
    const { strength } = claims.fragmark.watermark;
    assert.deepEqual([strength?.level, strength?.triggers, strength?.method, strength?.detectionFloor, strength?.noiseStd], ['weak', 30, 'JUNCTION', 1, 0.001]);
    assert.ok(!JSON.stringify(claims).includes('labels'), 'no trigger labels in the token');
    tokens.intact = v.attestation.token;

    const ok = await cli(['verify-token', v.attestation.token, '--issuer', api.url, '--audience', 'auditor.example', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).claims.fragmark.verification.verdict, 'intact');
    const wrongAudience = await cli(['verify-token', v.attestation.token, '--issuer', api.url, '--audience', 'someone-else']);
    assert.equal(wrongAudience.code, 1);
    const last = v.attestation.token.at(-2) === 'A' ? 'B' : 'A';
    const flipped = v.attestation.token.slice(0, -2) + last + v.attestation.token.at(-1);
    const bad = await cli(['verify-token', flipped, '--issuer', api.url, '--audience', 'auditor.example']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout + bad.stderr, /Invalid attestation/);
  });

  test('ARTIFACT: an uploaded tampered copy is TAMPERED', async () => {
    const uploaded = (await uploadFiles(api, key, '/v1/verification-artifacts', await saveModelToFiles(layersModelOf(tampered)))).body;
    const v = await run({ mode: 'ARTIFACT', candidateArtifactId: uploaded.candidateArtifact.id });
    assert.equal(v.verdict, 'TAMPERED');
    assert.ok(v.triggersMatched < v.triggersQueried);
    const verified = await verifyAttestation(v.attestation.token, await jwks(), { issuer: api.url });
    assert.equal(verified.payload.fragmark.verification.verdict, 'tampered');
  });

  test('ENDPOINT: KServe v2 serving the original is INTACT, TF Serving with a tampered copy TAMPERED, a broken one ERROR', async () => {
    const intact = await run({ mode: 'ENDPOINT' });
    assert.equal(intact.verdict, 'INTACT', JSON.stringify(intact));
    assert.equal((await verifyAttestation(intact.attestation.token, await jwks(), { issuer: api.url })).payload.fragmark.watermark.strength?.level, 'weak');
    assert.ok(servers[0]!.requests > 0, 'the registered endpoint was queried, with its sealed credential');

    const tfServing = await startInferenceServer({ protocol: 'TF_SERVING_REST', modelName: 'digits', classifier: tampered });
    servers.push(tfServing);
    const v = await run({ mode: 'ENDPOINT', endpoint: { url: tfServing.url, protocol: 'TF_SERVING_REST', modelName: 'digits' } });
    assert.equal(v.verdict, 'TAMPERED');

    const broken = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier: original, behaviour: 'garbage' });
    servers.push(broken);
    const e = await run({ mode: 'ENDPOINT', endpoint: { url: broken.url, protocol: 'KSERVE_V2', modelName: 'digits' } });
    assert.equal(e.verdict, 'ERROR');
    assert.ok(e.errorReason);
    assert.equal(e.attestation, null, 'no attestation without a verdict');
    assert.equal(e.job.status, 'FAILED');
  });

  test('ENDPOINT tokens name the deployment: registered (by tenant admins, audited) or ad-hoc, and the TLS certificate over https', async () => {
    const endpointOf = async (token: string) => (await verifyAttestation(token, await jwks(), { issuer: api.url })).payload.fragmark.verification.endpoint;
    const versionEndpoints = async () => (await api.gql(`query($id: ID!) { modelVersion(id: $id) { endpoint { ${ENDPOINT_FIELDS} } endpoints { ${ENDPOINT_FIELDS} } } }`, { id: versionId }, key)).data.modelVersion;
    const registered = (await versionEndpoints()).endpoint;
    assert.deepEqual([registered.registered, registered.name, registered.hasCredential], [true, 'default', true]);

    const viaDefault = await run({ mode: 'ENDPOINT' });
    assert.equal(viaDefault.verdict, 'INTACT');
    assert.deepEqual(viaDefault.endpoint, { id: registered.id, registered: true, name: 'default', url: registered.url });
    assert.deepEqual(await endpointOf(viaDefault.attestation.token), {
      registered: true, id: registered.id, url: registered.url, protocol: 'KSERVE_V2', modelName: 'digits', inputFormat: 'FLOAT32', tlsCertificateSha256: null,
    });

    // The auditor's scenario: a pristine copy on a loopback URL of the operator's choosing.
    const copy = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier: original });
    servers.push(copy);
    const adHoc = await run({ mode: 'ENDPOINT', endpoint: { url: copy.url, protocol: 'KSERVE_V2', modelName: 'digits' } });
    assert.equal(adHoc.verdict, 'INTACT');
    const adHocClaim = await endpointOf(adHoc.attestation.token);
    assert.deepEqual([adHocClaim!.registered, adHocClaim!.id, adHocClaim!.url], [false, null, `${copy.url}/`]);
    assert.equal(adHoc.endpoint.registered, false);

    // Registering needs a tenant admin; it is audited.
    const https = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier: original, tls: { key: await readFile(TLS_KEY, 'utf8'), cert: await readFile(TLS_CERT, 'utf8') } });
    servers.push(https);
    const REGISTER = `mutation($input: RegisterEndpointInput!) { registerEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } userErrors { code message field } } }`;
    const input = { modelVersionId: versionId, name: 'tls', endpoint: { url: https.url, protocol: 'KSERVE_V2', modelName: 'digits' } };
    const byOperator = await api.gql(REGISTER, { input }, key);
    assert.equal(byOperator.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const tlsEndpoint = (await api.gql(REGISTER, { input }, tenant.adminKey)).data.registerEndpoint.endpoint;
    assert.equal(tlsEndpoint.registered, true);
    assert.equal((await api.gql(REGISTER, { input }, tenant.adminKey)).data.registerEndpoint.userErrors[0].code, 'ENDPOINT_NAME_TAKEN');
    const audit = (await api.gql(`{ auditEvents(first: 50) { edges { node { action recordId } } } }`, {}, tenant.adminKey)).data.auditEvents.edges.map((e: any) => e.node);
    assert.ok(audit.some((e: any) => e.action === 'endpoint.register' && e.recordId === tlsEndpoint.id), 'registration audited');

    const overTls = await run({ mode: 'ENDPOINT', endpointId: tlsEndpoint.id });
    assert.equal(overTls.verdict, 'INTACT', JSON.stringify(overTls));
    const expectedCertificate = createHash('sha256').update(new X509Certificate(await readFile(TLS_CERT)).raw).digest('hex');
    assert.equal(overTls.tlsCertificateSha256, expectedCertificate);
    const tlsClaim = await endpointOf(overTls.attestation.token);
    assert.deepEqual([tlsClaim!.registered, tlsClaim!.id, tlsClaim!.tlsCertificateSha256], [true, tlsEndpoint.id, expectedCertificate]);

    // With several endpoints, "default" is the default; without it, the caller must choose.
    assert.equal((await run({ mode: 'ENDPOINT' })).endpoint.id, registered.id);
    const REMOVE = `mutation($id: ID!) { removeEndpoint(input: { id: $id }) { endpoint { id removedAt } userErrors { code } } }`;
    assert.equal((await api.gql(REMOVE, { id: registered.id }, key)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.ok((await api.gql(REMOVE, { id: registered.id }, tenant.adminKey)).data.removeEndpoint.endpoint.removedAt);
    assert.deepEqual((await versionEndpoints()).endpoints.map((e: any) => e.name), ['tls']);
    assert.equal((await run({ mode: 'ENDPOINT' })).endpoint.id, tlsEndpoint.id, 'the only active endpoint');
    await api.gql(REGISTER, { input: { ...input, name: 'eu', endpoint: { url: copy.url, protocol: 'KSERVE_V2', modelName: 'digits' } } }, tenant.adminKey);
    const ambiguous = await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT' } }, key);
    assert.equal(ambiguous.data.verifyModel.userErrors[0].code, 'ENDPOINT_AMBIGUOUS');
    const removedId = await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpointId: registered.id } }, key);
    assert.equal(removedId.data.verifyModel.userErrors[0].code, 'ENDPOINT_NOT_FOUND');
    // Another tenant's admin can neither see, change nor remove these endpoints.
    const other = await createTenant(api, 'Other verifier');
    const UPDATE = `mutation($input: UpdateEndpointInput!) { updateEndpoint(input: $input) { endpoint { id } userErrors { code } } }`;
    const foreignUpdate = await api.gql(UPDATE, { input: { id: tlsEndpoint.id, endpoint: { url: copy.url, protocol: 'KSERVE_V2' } } }, other.adminKey);
    assert.equal(foreignUpdate.data.updateEndpoint.userErrors[0].code, 'ENDPOINT_NOT_FOUND');
    assert.equal((await api.gql(REMOVE, { id: tlsEndpoint.id }, other.adminKey)).data.removeEndpoint.userErrors[0].code, 'ENDPOINT_NOT_FOUND');
    assert.deepEqual((await versionEndpoints()).endpoints.map((e: any) => [e.name, e.url]), [['tls', tlsEndpoint.url], ['eu', `${copy.url}/`]]);
    // The removed endpoint is still named by the verifications that used it.
    assert.equal((await api.gql(RESULT, { id: viaDefault.id }, key)).data.verification.endpoint.id, registered.id);
  });

  test('ARTIFACT tokens state the checked digests: a copy with shifted biases (argmax unchanged) is INTACT but not the registered weights', async () => {
    const registeredCheck = await run({ mode: 'ARTIFACT' });
    const registeredClaim = (await verifyAttestation(registeredCheck.attestation.token, await jwks(), { issuer: api.url })).payload.fragmark;
    assert.equal(registeredClaim.verification.artifact?.candidate, false);
    assert.equal(registeredClaim.verification.artifact?.weightsMatchRegistered, true);
    assert.equal(registeredClaim.verification.artifact?.checkedArtifactDigest, registeredClaim.model.artifactDigest);

    const lastLayer = layersModelOf(original).layers.at(-1)!.name;
    const shifted = await rewriteWeights(layersModelOf(original), (name, values, shape) => (shape.length === 1 && name.startsWith(`${lastLayer}/`) ? values.map((v) => v + 1) : values));
    const uploaded = (await uploadFiles(api, key, '/v1/verification-artifacts', await saveModelToFiles(shifted))).body;
    const v = await run({ mode: 'ARTIFACT', candidateArtifactId: uploaded.candidateArtifact.id });
    assert.equal(v.verdict, 'INTACT', 'a bias shift common to all classes keeps every label');
    assert.equal(v.weightsMatchRegistered, false);
    const claims = (await verifyAttestation(v.attestation.token, await jwks(), { issuer: api.url })).payload.fragmark;
    const artifact = claims.verification.artifact!;
    assert.equal(artifact.candidate, true);
    assert.equal(artifact.weightsMatchRegistered, false);
    assert.equal(artifact.checkedWeightsDigest, v.checkedWeightsDigest);
    assert.notEqual(artifact.checkedWeightsDigest, claims.model.digest);
    assert.equal(artifact.registeredWeightsDigest, claims.model.digest);
    assert.equal(artifact.checkedArtifactDigest, v.checkedArtifactDigest);
    assert.notEqual(artifact.checkedArtifactDigest, artifact.registeredArtifactDigest);
  });

  test('CHALLENGE: a random subset answered by the operator; answers are single-use; the reveal budget is enforced', async () => {
    const created = await api.gql(
      `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 5 }) { challenge { id size expiresAt } triggers { shape data encoding } userErrors { code message } } }`,
      { w: watermarkId },
      key,
    );
    const { challenge, triggers } = created.data.createChallenge;
    assert.deepEqual(triggers.shape, [5, 8, 8, 1]);
    const bytes = Buffer.from(triggers.data, 'base64');
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const x = tf.tensor(data, triggers.shape);
    const labels = Array.from(predictLabels(original, x));
    x.dispose();
    const ANSWER = `mutation($c: ID!, $l: [Int!]!) { answerChallenge(input: { challengeId: $c, labels: $l }) { verification { id mode verdict triggersQueried attestation { token } } userErrors { code } } }`;
    const answered = await api.gql(ANSWER, { c: challenge.id, l: labels }, key);
    assert.equal(answered.data.answerChallenge.verification.verdict, 'INTACT');
    assert.equal(answered.data.answerChallenge.verification.triggersQueried, 5);
    const verified = await verifyAttestation(answered.data.answerChallenge.verification.attestation.token, await jwks(), { issuer: api.url });
    assert.equal(verified.payload.fragmark.watermark.strength?.level, 'weak');
    const again = await api.gql(ANSWER, { c: challenge.id, l: labels }, key);
    assert.equal(again.data.answerChallenge.userErrors[0].code, 'CHALLENGE_ANSWERED');

    // 50% of 30 triggers may be revealed: 5 are, so 10 more are allowed, 11 are not.
    const tooMany = await api.gql(`mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 11 }) { userErrors { code message } } }`, { w: watermarkId }, key);
    assert.equal(tooMany.data.createChallenge.userErrors[0].code, 'CHALLENGE_BUDGET_EXHAUSTED');
    const wrong = await api.gql(`mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 10 }) { challenge { id } triggers { data } } }`, { w: watermarkId }, key);
    const flippedLabels = Array.from({ length: 10 }, () => 0);
    const tamperedAnswer = await api.gql(ANSWER, { c: wrong.data.createChallenge.challenge.id, l: flippedLabels }, key);
    assert.notEqual(tamperedAnswer.data.answerChallenge.verification.verdict, undefined);
    const watermark = await api.database.db.watermark.findUniqueOrThrow({ where: { id: watermarkId } });
    assert.equal(new Set(watermark.revealedIndices).size, 15, 'challenges never reveal the same trigger twice');
  });

  test('signing-key rotation: old and new tokens both verify; revocation shows in the public status', async () => {
    const rotated = await api.gql(`mutation { rotateSigningKey(input: {}) { kid userErrors { code } } }`);
    const kid = rotated.data.rotateSigningKey.kid;
    assert.ok(kid);
    const byTenant = await api.gql(`mutation { rotateSigningKey(input: {}) { kid } }`, {}, tenant.adminKey);
    assert.equal(byTenant.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const set = await jwks();
    assert.equal(set.keys.length, 2);
    assert.ok(set.keys.every((k) => !('d' in k)), 'no private key material in the JWKS');
    const fresh = await run({ mode: 'ARTIFACT' });
    const verifiedNew = await verifyAttestation(fresh.attestation.token, set, { issuer: api.url });
    assert.equal(verifiedNew.header.kid, kid);
    await verifyAttestation(tokens.intact!, set, { issuer: api.url, audience: 'auditor.example' });
    const jwksResponse = await fetch(`${api.url}/.well-known/jwks.json`);
    assert.match(jwksResponse.headers.get('cache-control')!, /max-age=\d+/);

    const STATUS = `query($jti: ID!) { attestationStatus(jti: $jti) { jti known revoked expiresAt } }`;
    const jti = fresh.attestation.jti;
    assert.deepEqual((await api.gql(STATUS, { jti }, null)).data.attestationStatus.revoked, false);
    const revoked = await api.gql(`mutation($jti: ID!) { revokeAttestation(input: { jti: $jti, reason: "test" }) { attestation { revoked } userErrors { code } } }`, { jti }, key);
    assert.equal(revoked.data.revokeAttestation.attestation.revoked, true);
    const status = (await api.gql(STATUS, { jti }, null)).data.attestationStatus;
    assert.deepEqual([status.known, status.revoked], [true, true]);
    const unknown = (await api.gql(STATUS, { jti: '00000000-0000-4000-8000-000000000000' }, null)).data.attestationStatus;
    assert.deepEqual([unknown.known, unknown.revoked, unknown.expiresAt], [false, false, null]);
    const other = await createTenant(api, 'Other');
    const foreign = await api.gql(`mutation($jti: ID!) { revokeAttestation(input: { jti: $jti }) { userErrors { code } } }`, { jti: tokens.intact ? fresh.attestation.jti : '' }, other.adminKey);
    assert.equal(foreign.data.revokeAttestation.userErrors[0].code, 'ATTESTATION_NOT_FOUND');
  });

  test('history: filters, latest verification and counts per version and model, batched', async () => {
    const tampered = await api.gql(`{ verifications(filter: { verdict: TAMPERED }) { totalCount edges { node { verdict mode } } } }`, {}, key);
    assert.ok(tampered.data.verifications.totalCount >= 2);
    assert.ok(tampered.data.verifications.edges.every((e: any) => e.node.verdict === 'TAMPERED'));
    const byVersion = await api.gql(
      `query($v: ID!) { modelVersion(id: $v) { latestVerification { id } verificationCounts { intact tampered error pending } } }`,
      { v: versionId },
      key,
    );
    const counts = byVersion.data.modelVersion.verificationCounts;
    const total = (await api.gql(`query($v: ID!) { verifications(filter: { modelVersionId: $v }) { totalCount edges { node { id } } } }`, { v: versionId }, key)).data.verifications;
    assert.equal(counts.intact + counts.tampered + counts.error + counts.pending, total.totalCount);
    assert.equal(byVersion.data.modelVersion.latestVerification.id, total.edges[0].node.id);

    // 40 more models, each with a version and a verification, written directly.
    const watermark = await api.database.db.watermark.findUniqueOrThrow({ where: { id: watermarkId } });
    for (let i = 0; i < 40; i++) {
      const m = await api.database.db.model.create({ data: { tenantId: tenant.id, name: `bulk-${i}` } });
      const mv = await api.database.db.modelVersion.create({ data: { tenantId: tenant.id, modelId: m.id, label: '1' } });
      await api.database.db.verification.create({
        data: { tenantId: tenant.id, modelVersionId: mv.id, watermarkId: watermark.id, mode: 'ARTIFACT', verdict: i % 2 ? 'INTACT' : 'TAMPERED', policy: {} },
      });
    }
    const query = `{ models(first: 100) { edges { node { name latestVerification { verdict } verificationCounts { intact tampered } versions(first: 5) { edges { node { latestVerification { verdict } verificationCounts { intact } } } } } } } }`;
    const before = api.database.queries.length;
    const page = await api.gql(query, {}, key);
    const used = api.database.queries.length - before;
    assert.equal(page.data.models.edges.length, 41);
    // Authentication, the models page, the versions of all models, and four history loaders: a constant.
    assert.ok(used <= 15, `used ${used} queries for a page of 41 models with versions and history`);
    assert.equal(page.data.models.edges.filter((e: any) => e.node.latestVerification?.verdict === 'TAMPERED').length >= 20, true);
    const tamperedModels = await api.gql(`{ models(first: 100, filter: { latestVerdict: TAMPERED }) { totalCount edges { node { latestVerification { verdict } } } } }`, {}, key);
    assert.equal(tamperedModels.data.models.totalCount, page.data.models.edges.filter((e: any) => e.node.latestVerification?.verdict === 'TAMPERED').length);
    assert.ok(tamperedModels.data.models.edges.every((e: any) => e.node.latestVerification.verdict === 'TAMPERED'));
    const withoutHistory = `{ models(first: 100) { edges { node { name versions(first: 5) { edges { node { id } } } } } } }`;
    const before2 = api.database.queries.length;
    await api.gql(withoutHistory, {}, key);
    const baseline = api.database.queries.length - before2;
    assert.ok(used - baseline <= 6, `history added ${used - baseline} queries for 41 models (batched: constant)`);
  });
});
