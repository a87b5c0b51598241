/**
 * Deleting a tenant stops its work (issue 16): a verification queued before `deleteTenant` used to
 * run afterwards, unseal the deleted tenant's trigger set and sign a new INTACT attestation, and
 * the tenant's earlier attestations still reported `revoked: false`. The job handlers run here in
 * this process, as a worker would run them, against a real database, vault and queue.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inProcessJobDeps } from '../support/job-handlers.ts';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { runningJob } from '../../src/jobs/job-runtime.ts';
import { runWatermarkJob } from '../../src/watermarks/watermark-job.ts';
import { runVerificationJob } from '../../src/verifications/verification-job.ts';
import { runEnrollmentJob } from '../../src/verifications/enrollment/enrollment-job.ts';
import { TenantDeletedError } from '../../src/tenants/tenant-guard.ts';

const STATUS = `query($jti: ID!) { attestationStatus(jti: $jti) { known revoked reason } }`;
const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`;

describe('deleting a tenant stops its work', () => {
  let api: TestApi;
  let key: string;
  let tenant: { id: string; adminKey: string };
  let versionId: string;
  let watermarkId: string;
  let intactJti: string;
  let deletedAt: Date;
  const queued: { verification: { id: string; jobId: string }; watermark: { id: string; jobId: string }; enrollment: { id: string; jobId: string } } = {} as never;

  const signal = new AbortController().signal;
  const deps = () => inProcessJobDeps(api);
  const unsealsSince = (since: Date) => api.database.db.auditEvent.count({ where: { tenantId: tenant.id, action: 'vault.unseal', createdAt: { gte: since } } });

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS });
    tenant = await createTenant(api, 'Leaving');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ seed: 'leaving' });
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "leaving" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = (await api.gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`, { input: { modelId, label: '1' } }, key)).data
      .createModelVersion.modelVersion;
    versionId = created.id;
    await uploadFiles(api, key, created.uploadPath, await saveModelToFiles(model));
    model.dispose();
    // A READY watermark and an INTACT verification with its attestation, made by the job handlers.
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, profile: TF32, allowWeak: true }) { watermark { id } job { id } } }`, { v: versionId }, key)).data
      .startWatermark;
    watermarkId = started.watermark.id;
    await runWatermarkJob(deps(), runningJob(api.database.db, { id: started.job.id, retryCount: 0, retryLimit: 2, signal }));
    const verified = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ARTIFACT' } }, key)).data.verifyModel;
    await runVerificationJob(deps(), runningJob(api.database.db, { id: verified.job.id, retryCount: 0, retryLimit: 2, signal }));
    const attestation = await api.database.db.attestation.findUniqueOrThrow({ where: { verificationId: verified.verification.id } });
    intactJti = attestation.jti;
    assert.deepEqual((await api.gql(STATUS, { jti: intactJti }, null)).data.attestationStatus, { known: true, revoked: false, reason: null });
  });
  after(async () => {
    await api?.close();
  });

  test('deleteTenant cancels its queued jobs with the deletion; a worker taking them later unseals and signs nothing; its attestations report revoked', async () => {
    // Queued, with no worker running yet: a verification, a second watermark, an endpoint enrollment.
    const v = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ARTIFACT' } }, key)).data.verifyModel;
    queued.verification = { id: v.verification.id, jobId: v.job.id };
    const w = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 12, profile: TF32, allowWeak: true }) { watermark { id } job { id } } }`, { v: versionId }, key)).data
      .startWatermark;
    queued.watermark = { id: w.watermark.id, jobId: w.job.id };
    const e = (
      await api.gql(
        `mutation($input: EnrollEndpointInput!) { enrollEndpoint(input: $input) { enrollment { id } job { id } userErrors { code message } } }`,
        { input: { modelVersionId: versionId, watermarkId, endpoint: { url: 'http://127.0.0.1:9', protocol: 'KSERVE_V2' } } },
        key,
      )
    ).data.enrollEndpoint;
    assert.deepEqual(e.userErrors, []);
    queued.enrollment = { id: e.enrollment.id, jobId: e.job.id };

    // A grace period: the keyring still exists, so only the platform stands between the job and the keys.
    deletedAt = new Date();
    const deleted = await api.gql(
      `mutation($id: ID!) { deleteTenant(input: { id: $id, gracePeriodDays: 7 }) { shredAfter cancelledJobs userErrors { code message } } }`,
      { id: tenant.id },
      tenant.adminKey,
    );
    assert.deepEqual(deleted.data.deleteTenant.userErrors, []);
    assert.equal(deleted.data.deleteTenant.cancelledJobs, 3);

    const db = api.database.db;
    const jobIds = [queued.verification.jobId, queued.watermark.jobId, queued.enrollment.jobId];
    for (const job of await db.job.findMany({ where: { id: { in: jobIds } } })) {
      assert.equal(job.status, 'CANCELLED', job.kind);
      assert.ok(job.finishedAt);
    }
    const verification = await db.verification.findUniqueOrThrow({ where: { id: queued.verification.id } });
    assert.equal(verification.verdict, 'ERROR');
    assert.equal(verification.errorReason, 'The tenant was deleted.');
    assert.equal((await db.watermark.findUniqueOrThrow({ where: { id: queued.watermark.id } })).status, 'CANCELLED');
    const enrollment = await db.endpointEnrollment.findUniqueOrThrow({ where: { id: queued.enrollment.id } });
    assert.equal(enrollment.status, 'CANCELLED');
    // ... and in pg-boss, so no worker is handed them.
    const states = await db.$queryRaw<Array<{ state: string }>>`SELECT state::text AS state FROM pgboss.job WHERE id = ANY(${jobIds}::uuid[])`;
    assert.deepEqual(
      states.map((s) => s.state),
      ['cancelled', 'cancelled', 'cancelled'],
    );

    // A worker that takes them anyway (as one that fetched them just before the cancellation would).
    await runVerificationJob(deps(), runningJob(api.database.db, { id: queued.verification.jobId, retryCount: 0, retryLimit: 2, signal }));
    await runWatermarkJob(deps(), runningJob(api.database.db, { id: queued.watermark.jobId, retryCount: 0, retryLimit: 2, signal }));
    await runEnrollmentJob(deps(), runningJob(api.database.db, { id: queued.enrollment.jobId, retryCount: 0, retryLimit: 2, signal }));
    assert.equal(await db.attestation.count({ where: { verificationId: queued.verification.id } }), 0, 'no attestation signed after the deletion');
    assert.equal((await db.verification.findUniqueOrThrow({ where: { id: queued.verification.id } })).verdict, 'ERROR');
    assert.equal(await unsealsSince(deletedAt), 0, 'nothing of the deleted tenant was unsealed');

    // Attestations issued before the deletion are revoked, with the reason and the deletion's time.
    assert.deepEqual((await api.gql(STATUS, { jti: intactJti }, null)).data.attestationStatus, { known: true, revoked: true, reason: 'The tenant was deleted.' });
    const { deletedAt: tenantDeletedAt } = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    const revokedAt = (await api.gql(`query($jti: ID!) { attestationStatus(jti: $jti) { revokedAt } }`, { jti: intactJti }, null)).data.attestationStatus.revokedAt;
    assert.equal(revokedAt, tenantDeletedAt!.toISOString());
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: 'tenant.delete_requested' } });
    assert.equal((audit.details as { cancelledJobs: number }).cancelledJobs, 3);
  });

  test('a job that slipped past the deletion (queued concurrently) is ended by the worker before it unseals anything', async () => {
    const db = api.database.db;
    // As if the job had been committed after the deletion looked for the tenant's jobs.
    await db.job.updateMany({ where: { id: { in: [queued.verification.jobId, queued.enrollment.jobId] } }, data: { status: 'QUEUED', finishedAt: null } });
    await db.verification.update({ where: { id: queued.verification.id }, data: { verdict: 'PENDING', errorReason: null, completedAt: null } });
    await db.endpointEnrollment.update({ where: { id: queued.enrollment.id }, data: { status: 'PENDING', errorReason: null, completedAt: null } });
    const since = new Date();

    await runVerificationJob(deps(), runningJob(api.database.db, { id: queued.verification.jobId, retryCount: 0, retryLimit: 2, signal }));
    await runEnrollmentJob(deps(), runningJob(api.database.db, { id: queued.enrollment.jobId, retryCount: 0, retryLimit: 2, signal }));

    const verification = await db.verification.findUniqueOrThrow({ where: { id: queued.verification.id }, include: { job: true } });
    assert.equal(verification.verdict, 'ERROR');
    assert.equal(verification.errorReason, 'The tenant was deleted.');
    assert.equal(verification.job!.status, 'CANCELLED');
    const enrollment = await db.endpointEnrollment.findUniqueOrThrow({ where: { id: queued.enrollment.id }, include: { job: true } });
    assert.equal(enrollment.status, 'CANCELLED');
    assert.equal(enrollment.job.status, 'CANCELLED');
    assert.equal(await db.attestation.count({ where: { verificationId: queued.verification.id } }), 0);
    assert.equal(await unsealsSince(since), 0);
  });

  test('nothing is signed for a deleted tenant, whoever asks', async () => {
    const db = api.database.db;
    const verification = await db.verification.findUniqueOrThrow({ where: { id: queued.verification.id }, include: { modelVersion: true } });
    await assert.rejects(
      db.$transaction((tx) =>
        api.issuer.issue(tx, { tenantId: tenant.id, verificationId: verification.id, modelVersionId: verification.modelVersionId, claims: {} as never }),
      ),
      TenantDeletedError,
    );
    assert.equal(await db.attestation.count({ where: { verificationId: queued.verification.id } }), 0);
  });
});
