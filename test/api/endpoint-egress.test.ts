/**
 * Server-side request forgery through endpoint verification (issue 16): an OPERATOR names the URL,
 * a worker POSTs to it, and what came back used to land in `errorReason` / `Job.error`, readable by
 * every VIEWER. Now the egress policy refuses non-public addresses (IP literals at request time,
 * host names when the worker connects), the allow-list is FRAGMARK_EGRESS_ALLOW, and endpoint
 * errors keep status codes, error classes and sizes only. The API runs with 127.0.0.1/32 allowed,
 * as the tests' inference servers need; the job handlers run in this process with the same config.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inProcessJobDeps } from '../support/job-handlers.ts';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { runningJob } from '../../src/jobs/job-runtime.ts';
import { runWatermarkJob } from '../../src/watermarks/watermark-job.ts';
import { runVerificationJob } from '../../src/verifications/verification-job.ts';
import { runEnrollmentJob } from '../../src/verifications/enrollment/enrollment-job.ts';

const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message field } } }`;
const ENROLL = `mutation($input: EnrollEndpointInput!) { enrollEndpoint(input: $input) { enrollment { id } job { id } userErrors { code message field } } }`;
const VERSION = `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id } userErrors { code message field } } }`;

/** What an internal service might answer: it must never be readable through Fragmark. */
const SECRET_BODY = '{"AccessKeyId":"ASIAEXAMPLEKEY","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","Token":"IQoJb3JpZ2luX2Vj"}';

describe('endpoint egress', () => {
  let api: TestApi;
  let operator: string;
  let tenant: { id: string; adminKey: string };
  let viewer: string;
  let modelId: string;
  let versionId: string;
  let watermarkId: string;
  let leaky: Server;
  let leakyUrl: string;
  const signal = new AbortController().signal;
  const deps = () => inProcessJobDeps(api);

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS });
    tenant = await createTenant(api, 'Egress');
    operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    viewer = (await createKey(api, tenant.adminKey, 'VIEWER')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ seed: 'egress' });
    modelId = (await api.gql(`mutation { registerModel(input: { name: "egress" }) { model { id } } }`, {}, operator)).data.registerModel.model.id;
    const created = (await api.gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`, { input: { modelId, label: '1' } }, operator)).data
      .createModelVersion.modelVersion;
    versionId = created.id;
    await uploadFiles(api, operator, created.uploadPath, await saveModelToFiles(model));
    model.dispose();
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, profile: TF32, allowWeak: true }) { watermark { id } job { id } } }`, { v: versionId }, operator)).data
      .startWatermark;
    watermarkId = started.watermark.id;
    await runWatermarkJob(deps(), runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
    // An allowed host whose answers are secrets: 404 with the body above, to every request.
    leaky = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(404, { 'content-type': 'application/json' }).end(SECRET_BODY));
    });
    await new Promise<void>((r) => leaky.listen(0, '127.0.0.1', () => r()));
    leakyUrl = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}`;
  });
  after(async () => {
    leaky?.closeAllConnections();
    await new Promise((r) => leaky?.close(r));
    await api?.close();
  });

  test('verifyModel, enrollEndpoint and createModelVersion refuse non-public IP literals in every spelling, before anything is stored', async () => {
    const refused = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://2852039166/latest/meta-data/',
      'http://0xa9.254.169.254/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]:80/',
      'http://127.0.0.2:5432/',
      'http://0x7f.0.0.2/',
      'http://2130706434:8080/',
      'http://[::1]:4000/',
      'http://10.0.0.1:8500/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://0/',
    ];
    const db = api.database.db;
    const jobsBefore = await db.job.count();
    for (const url of refused) {
      const endpoint = { url, protocol: 'KSERVE_V2' };
      const results = [
        (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpoint } }, operator)).data.verifyModel,
        (await api.gql(ENROLL, { input: { modelVersionId: versionId, endpoint } }, operator)).data.enrollEndpoint,
        (await api.gql(VERSION, { input: { modelId, label: `x${refused.indexOf(url)}`, endpoint } }, tenant.adminKey)).data.createModelVersion,
      ];
      for (const r of results) {
        assert.equal(r.userErrors.length, 1, `${url}: ${JSON.stringify(r)}`);
        assert.equal(r.userErrors[0].code, 'ENDPOINT_FORBIDDEN', url);
        assert.deepEqual(r.userErrors[0].field, ['input', 'endpoint', 'url']);
        assert.match(r.userErrors[0].message, /FRAGMARK_EGRESS_ALLOW/);
      }
    }
    assert.equal(await db.job.count(), jobsBefore, 'no job was queued');
    // The allow-listed address passes, in any spelling.
    const allowed = (await api.gql(VERSION, { input: { modelId, label: 'allowed', endpoint: { url: 'http://2130706433:9/', protocol: 'KSERVE_V2' } } }, tenant.adminKey)).data.createModelVersion;
    assert.deepEqual(allowed.userErrors, []);
  });

  test('model names that leave their path segment and credentials in query strings are refused', async () => {
    for (const modelName of ['..', '../../admin', 'a/b', 'a%2Fb', 'a\\b']) {
      const r = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpoint: { url: leakyUrl, protocol: 'KSERVE_V2', modelName } } }, operator)).data.verifyModel;
      assert.equal(r.userErrors[0]?.code, 'INVALID_MODEL_INPUT', modelName);
      assert.deepEqual(r.userErrors[0].field, ['input', 'endpoint', 'modelName']);
    }
    for (const query of ['?api_key=abc123', '?access_token=abc123', '?X-Amz-Signature=abc123', '?sig=abc123']) {
      const r = (await api.gql(ENROLL, { input: { modelVersionId: versionId, endpoint: { url: `${leakyUrl}/${query}`, protocol: 'KSERVE_V2' } } }, operator)).data.enrollEndpoint;
      assert.equal(r.userErrors[0]?.code, 'INVALID_MODEL_INPUT', query);
      assert.ok(!r.userErrors[0].message.includes('abc123'));
    }
  });

  test('an error answer is recorded by status code and size only: a VIEWER cannot read what the endpoint sent', async () => {
    const v = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ENDPOINT', endpoint: { url: leakyUrl, protocol: 'TF_SERVING_REST', modelName: 'm' } } }, operator)).data.verifyModel;
    assert.deepEqual(v.userErrors, []);
    await runVerificationJob(deps(), runningJob(api.database.db, { id: v.job.id, retryCount: 0, retryLimit: 2, signal }));
    const e = (await api.gql(ENROLL, { input: { modelVersionId: versionId, watermarkId, endpoint: { url: leakyUrl, protocol: 'KSERVE_V2', modelName: 'm' } } }, operator)).data.enrollEndpoint;
    assert.deepEqual(e.userErrors, []);
    await runEnrollmentJob(deps(), runningJob(api.database.db, { id: e.job.id, retryCount: 0, retryLimit: 2, signal }));

    const seen = await api.gql(
      `query($v: ID!, $e: ID!, $vj: ID!, $ej: ID!) {
        verification(id: $v) { verdict errorReason job { status error } }
        endpointEnrollment(id: $e) { status errorReason job { status error } }
        vj: job(id: $vj) { error message }
        ej: job(id: $ej) { error message }
      }`,
      { v: v.verification.id, e: e.enrollment.id, vj: v.job.id, ej: e.job.id },
      viewer,
    );
    assert.equal(seen.errors, undefined, JSON.stringify(seen.errors));
    const { verification, endpointEnrollment } = seen.data;
    assert.equal(verification.verdict, 'ERROR');
    assert.equal(endpointEnrollment.status, 'FAILED');
    const text = JSON.stringify(seen.data);
    for (const fragment of ['ASIAEXAMPLEKEY', 'wJalrXUtnFEMI', 'IQoJb3JpZ2luX2Vj', 'AccessKeyId']) assert.ok(!text.includes(fragment), `${fragment} leaked: ${text}`);
    assert.match(verification.errorReason, new RegExp(`HTTP 404 \\(POST ${leakyUrl}/v1/models/m:predict; ${SECRET_BODY.length}-byte body, not recorded\\)`));
    assert.match(endpointEnrollment.errorReason, /HTTP 404 .*-byte body, not recorded/);
    // Nor is it in the logs of the job rows' other fields, or the database at all.
    const rows = JSON.stringify(await api.database.db.job.findMany({ where: { id: { in: [v.job.id, e.job.id] } } }));
    assert.ok(!rows.includes('ASIAEXAMPLEKEY'));
  });
});
