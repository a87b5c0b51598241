/**
 * Serving stacks end to end (issue 15): a version with an 8-bit input domain, a watermark made for
 * the FP16 profile, endpoints that run the model in emulated FP16 / BF16 and take UINT8 tensors,
 * enrollment of those endpoints (and its refusals), and ENDPOINT verification on the enrolled
 * triggers, with profile, domain and enrollment bound into the attestation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { classifierFromModel, decodeTriggerSet, firstOutsideDomain, gaussianNoise, initBackend, saveModelToFiles, type Classifier } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';
import { verifyAttestation } from '../../src/attestations/crypto/attestation-token.ts';
import { layersModelOf } from '../../src/engine/index.ts';

const CREATE_VERSION = `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath inputDomain { min max encoding } endpoint { inputFormat } } userErrors { code message field } } }`;
const START = `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id } job { id } userErrors { code message field } } }`;
const ENROLL = `mutation($input: EnrollEndpointInput!) { enrollEndpoint(input: $input) { enrollment { id status } job { id } userErrors { code message field } } }`;
const ENROLLMENT = `query($id: ID!) { endpointEnrollment(id: $id) { id status rounds batchSizes stableCount unstableCount mismatchedCount observedMargins { min median } errorReason endpoint { id registered url inputFormat } job { status error } } }`;
const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } userErrors { code message field } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { verdict triggersQueried triggersMatched triggersExcluded errorReason enrollment { id } attestation { token } } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serving profiles, input domains and endpoint enrollment', () => {
  let api: TestApi;
  let worker: TestWorker;
  let key: string;
  let tenant: { id: string; adminKey: string };
  let modelId: string;
  let versionId: string;
  let watermarkId: string;
  let original: Classifier;
  const servers: RunningInferenceServer[] = [];

  async function until<T>(query: string, id: string, pick: (data: any) => T, done: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 900; i++) {
      const v = pick((await api.gql(query, { id }, key)).data);
      if (done(v)) return v;
      await sleep(100);
    }
    throw new Error(`timed out: ${query}`);
  }
  const watermark = async (input: Record<string, unknown>) => {
    const started = (await api.gql(START, { input: { modelVersionId: versionId, triggerCount: 30, allowWeak: true, ...input } }, key)).data.startWatermark;
    assert.deepEqual(started.userErrors, []);
    const job = await until(`query($id: ID!) { job(id: $id) { status error } }`, started.job.id, (d) => d.job, (j) => !['QUEUED', 'RUNNING'].includes(j.status));
    assert.equal(job.status, 'SUCCEEDED', job.error);
    return started.watermark.id as string;
  };
  const enroll = async (input: Record<string, unknown>) => {
    const started = (await api.gql(ENROLL, { input: { modelVersionId: versionId, ...input } }, key)).data.enrollEndpoint;
    assert.deepEqual(started.userErrors, [], JSON.stringify(started));
    return until(ENROLLMENT, started.enrollment.id, (d) => d.endpointEnrollment, (e) => e.status !== 'PENDING');
  };
  const verify = async (input: Record<string, unknown>) => {
    const started = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', ...input } }, key)).data.verifyModel;
    assert.deepEqual(started.userErrors, []);
    return until(RESULT, started.verification.id, (d) => d.verification, (v) => v.verdict !== 'PENDING');
  };

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS }, { superviseIntervalSeconds: 1 });
    tenant = await createTenant(api, 'Serving');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1], numClasses: 4, seed: 'serving-flow' });
    original = classifierFromModel(model);
    // The deployment: FP16 numerics, 8-bit pixels scaled by 1/255 on the server.
    const fp16 = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'pixels', classifier: original, numerics: 'FP16', inputEncoding: 'UINT8', credential: 'pixel-secret' });
    servers.push(fp16);
    modelId = (await api.gql(`mutation { registerModel(input: { name: "pixels" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = (
      await api.gql(
        CREATE_VERSION,
        {
          input: {
            modelId,
            label: '1',
            inputDomain: { min: 0, max: 1, encoding: 'UINT8' },
            endpoint: { url: fp16.url, protocol: 'KSERVE_V2', modelName: 'pixels', credential: 'pixel-secret', inputFormat: 'UINT8' },
          },
        },
        tenant.adminKey, // registering an endpoint is a tenant admin's act

      )
    ).data.createModelVersion;
    assert.deepEqual(created.userErrors, []);
    assert.deepEqual(created.modelVersion.inputDomain, { min: 0, max: 1, encoding: 'UINT8' });
    assert.equal(created.modelVersion.endpoint.inputFormat, 'UINT8');
    versionId = created.modelVersion.id;
    await uploadFiles(api, key, created.modelVersion.uploadPath, await saveModelToFiles(model));
    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS });
    watermarkId = await watermark({ profile: 'FP16' });
  });
  after(async () => {
    for (const s of servers) await s.close();
    await stopTestWorker(worker);
    await api.close();
  });

  test('the watermark records its profile and domain, and every stored trigger is an 8-bit pixel value', async () => {
    const w = (await api.gql(`query($id: ID!) { watermark(id: $id) { profile inputDomain { min max encoding } selfCheck { shareAtLimits warmStart } } }`, { id: watermarkId }, key)).data.watermark;
    assert.equal(w.profile, 'FP16');
    assert.equal(w.selfCheck.warmStart, 'GENERATOR', 'a small (8x8) model starts from the generator, and the watermark says so');
    assert.deepEqual(w.inputDomain, { min: 0, max: 1, encoding: 'UINT8' });
    assert.ok(w.selfCheck.shareAtLimits >= 0 && w.selfCheck.shareAtLimits < 1);
    const set = decodeTriggerSet(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: watermarkId }, { apiKeyId: null }));
    assert.equal(firstOutsideDomain({ min: 0, max: 1, encoding: 'UINT8' }, set.data), -1);
    assert.equal(set.metadata.servingProfile, 'FP16');
  });

  test('enrolling the FP16 endpoint keeps every trigger; ENDPOINT checks then use the enrolled set and say so in the token', async () => {
    const e = await enroll({});
    assert.equal(e.status, 'ENROLLED', e.errorReason);
    assert.equal(e.rounds, 3);
    assert.deepEqual(e.batchSizes, [16, 1]);
    assert.equal(e.stableCount, 30);
    assert.deepEqual([e.unstableCount, e.mismatchedCount], [0, 0]);
    assert.ok(e.observedMargins.min > 0, 'the endpoint returned scores: margins recorded');
    assert.equal(e.endpoint.inputFormat, 'UINT8');
    assert.ok(servers[0]!.requests >= 2 + 30 * 1, 'rounds at batch 16 and batch 1');

    const v = await verify({});
    assert.equal(v.verdict, 'INTACT', v.errorReason);
    assert.deepEqual([v.triggersQueried, v.triggersMatched, v.triggersExcluded], [30, 30, 0]);
    assert.equal(v.enrollment.id, e.id);
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const claims = (await verifyAttestation(v.attestation.token, jwks, { issuer: api.url })).payload.fragmark;
    assert.equal(claims.watermark.profile, 'FP16');
    assert.deepEqual(claims.watermark.inputDomain, { min: 0, max: 1, encoding: 'UINT8' });
    assert.deepEqual(claims.verification.enrollment, { id: e.id, triggersExcluded: 0, triggersEnrolled: 30 });
    // The enrolled endpoint is the version's registered one, and the token names it with its input format.
    assert.equal(e.endpoint.registered, true);
    assert.deepEqual([claims.verification.endpoint?.registered, claims.verification.endpoint?.id, claims.verification.endpoint?.inputFormat], [true, e.endpoint.id, 'UINT8']);
  });

  test('a tampered deployment cannot enroll, and a watermark too precise for a BF16 endpoint is refused naming the next profile', async () => {
    const tampered = classifierFromModel(await gaussianNoise(layersModelOf(original), { std: 0.05, seed: 'enroll-tamper' }));
    const bad = await startInferenceServer({ protocol: 'TF_SERVING_REST', modelName: 'pixels', classifier: tampered, inputEncoding: 'UINT8' });
    servers.push(bad);
    const refused = await enroll({ endpoint: { url: bad.url, protocol: 'TF_SERVING_REST', inputFormat: 'UINT8' } });
    assert.equal(refused.status, 'FAILED');
    assert.match(refused.errorReason, /not answered stably/);
    assert.equal(refused.job.status, 'FAILED');

    const exact = await watermark({ profile: 'FP32_EXACT' });
    const bf16 = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'pixels', classifier: original, numerics: 'BF16', inputEncoding: 'UINT8' });
    servers.push(bf16);
    const e = await enroll({ watermarkId: exact, endpoint: { url: bf16.url, protocol: 'KSERVE_V2', inputFormat: 'UINT8' } });
    assert.equal(e.status, 'FAILED');
    assert.match(e.errorReason, /FP32_EXACT profile tolerates .*profile TF32/);
    // Without an enrollment, the same endpoint is checked on every trigger, and the numerics flip them.
    const v = await verify({ watermarkId: exact, endpoint: { url: bf16.url, protocol: 'KSERVE_V2', inputFormat: 'UINT8' } });
    assert.equal(v.verdict, 'TAMPERED');
    assert.equal(v.enrollment, null);
  });

  test('refusals: impossible domains, 8-bit endpoints on float domains, objectives a profile cannot use, bad enrollment settings', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [CREATE_VERSION, { modelId, label: 'r1', inputDomain: { min: 1, max: 0 } }, 'INVALID_MODEL_INPUT'],
      [CREATE_VERSION, { modelId, label: 'r2', endpoint: { url: 'http://127.0.0.1:1', protocol: 'KSERVE_V2', inputFormat: 'UINT8' } }, 'INVALID_MODEL_INPUT'],
      [START, { modelVersionId: versionId, method: 'SENSITIVE', profile: 'FP16' }, 'INVALID_WATERMARK_INPUT'],
      [START, { modelVersionId: versionId, method: 'SENSITIVE', profile: 'FP32_EXACT' }, 'INVALID_WATERMARK_INPUT'],
      [ENROLL, { modelVersionId: versionId, rounds: 1 }, 'INVALID_VERIFICATION_INPUT'],
      [ENROLL, { modelVersionId: versionId, maxUnstableShare: 0.9 }, 'INVALID_VERIFICATION_INPUT'],
    ];
    for (const [query, input, code] of cases) {
      const data = (await api.gql(query, { input }, query === CREATE_VERSION ? tenant.adminKey : key)).data;
      const payload = Object.values(data)[0] as { userErrors: Array<{ code: string; message: string }> };
      assert.equal(payload.userErrors[0]?.code, code, `${JSON.stringify(input)} -> ${JSON.stringify(payload)}`);
    }
    const other = await createTenant(api, 'Other');
    const foreign = (await api.gql(ENROLL, { input: { modelVersionId: versionId } }, other.adminKey)).data.enrollEndpoint;
    assert.equal(foreign.userErrors[0].code, 'MODEL_VERSION_NOT_FOUND');
    const mine = (await api.gql(`query($v: ID!) { modelVersion(id: $v) { enrollments(first: 1) { edges { node { id } } } } }`, { v: versionId }, key)).data;
    const enrollmentId = mine.modelVersion.enrollments.edges[0].node.id;
    const peek = await api.gql(`query($id: ID!) { endpointEnrollment(id: $id) { id } }`, { id: enrollmentId }, other.adminKey);
    assert.equal(peek.data.endpointEnrollment, null, "another tenant's enrollment is not found");
  });
});
