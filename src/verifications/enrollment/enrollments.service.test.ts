import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { actorOf, jobsRepositoryOf, startServiceFixture, type ServiceFixture } from '../../../test/support/service-fixture.ts';
import { seedReadyVersion, seedReadyWatermark } from '../../../test/support/watermark.ts';
import type { Actor } from '../../auth/actor.ts';
import type { RegisteredEndpoint, Watermark } from '../../db/generated/client.ts';
import { EgressPolicy } from '../../endpoints/egress-policy.ts';
import { JobsService } from '../../jobs/jobs.service.ts';
import { EnrollmentsService, type EnrollEndpointInput } from './enrollments.service.ts';
import { EnrollmentsRepository, findEnrollment } from './enrollments.repository.ts';
import { scopeToTenant } from '../../db/tenant-scope.ts';

let f: ServiceFixture;
let tenantA: string;
let tenantB: string;
let watermark: Watermark;
let registered: RegisteredEndpoint;
const sut = (actor: Actor | null) => new EnrollmentsService(actor ? new EnrollmentsRepository(scopeToTenant(f.db, actor.tenantId), f.db) : null, f.vault, f.queue, actor, new EgressPolicy());
const operatorA = () => sut(actorOf(tenantA, 'OPERATOR'));

const endpointOf = (modelVersionId: string, tenantId: string, name: string, url = `https://${name}.serving.example/`) =>
  f.db.registeredEndpoint.create({ data: { tenantId, modelVersionId, name, url, protocol: 'TF_SERVING_REST', modelName: 'net' } });

before(async () => {
  f = await startServiceFixture();
  tenantA = await f.tenant('a');
  tenantB = await f.tenant('b');
  watermark = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  registered = await endpointOf(watermark.modelVersionId, tenantA, 'default');
});
after(() => f.stop());

const stored = async () => ({
  enrollments: await f.db.endpointEnrollment.count(),
  jobs: await f.db.job.count(),
  queued: await f.queueCount('enroll'),
  secrets: await f.db.vaultSecret.count({ where: { purpose: 'endpoint-credential' } }),
});

test("enroll: the version's registered endpoint with the defaults, its Job row and queue entry together; cancelling the queued job ends it CANCELLED", async () => {
  const { enrollment, job } = await operatorA().enroll({ modelVersionId: watermark.modelVersionId });
  assert.deepEqual([enrollment.status, enrollment.watermarkId, enrollment.jobId, enrollment.endpointId], ['PENDING', watermark.id, job.id, registered.id]);
  assert.deepEqual([enrollment.endpointUrl, enrollment.endpointProtocol, enrollment.endpointModelName, enrollment.hasEndpointCredential], [registered.url, 'TF_SERVING_REST', 'net', false]);
  assert.deepEqual([enrollment.rounds, enrollment.batchSizes, enrollment.maxUnstableShare, enrollment.stableIndices], [3, [16, 1], 0.1, []]);
  assert.deepEqual([job.kind, job.status, job.tenantId], ['ENROLL', 'QUEUED', tenantA]);
  assert.equal((await f.queueEntry(job.id))?.state, 'created');

  await new JobsService(jobsRepositoryOf(f.db, tenantA), f.queue, actorOf(tenantA, 'OPERATOR')).cancel(job.id);
  assert.equal((await f.db.endpointEnrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status, 'CANCELLED');
});

test('enroll an ad-hoc endpoint: its credential is sealed under the enrollment, never stored or queued in the clear', async () => {
  const credential = 'tok-' + randomUUID();
  const { enrollment, job } = await operatorA().enroll({
    modelVersionId: watermark.modelVersionId,
    endpoint: { url: 'https://adhoc.serving.example/', protocol: 'KSERVE_V2', credential },
    rounds: 10,
    maxUnstableShare: 0.5,
  });
  assert.deepEqual([enrollment.endpointId, enrollment.endpointProtocol, enrollment.hasEndpointCredential, enrollment.rounds, enrollment.maxUnstableShare], [null, 'KSERVE_V2', true, 10, 0.5]);
  const secret = await f.db.vaultSecret.findFirstOrThrow({ where: { purpose: 'endpoint-credential', recordId: enrollment.id } });
  assert.ok(!Buffer.from(secret.ciphertext).includes(credential), 'sealed, not plain');
  const row = JSON.stringify(await f.db.endpointEnrollment.findUniqueOrThrow({ where: { id: enrollment.id } }));
  assert.ok(!row.includes(credential) && !JSON.stringify(await f.queueEntry(job.id)).includes(credential));
  const opened = await f.vault.unseal({ tenantId: tenantA, purpose: 'endpoint-credential', recordId: enrollment.id }, { apiKeyId: null });
  assert.equal(new TextDecoder().decode(opened), credential);
});

test('enroll refuses bad settings, foreign, removed and ambiguous endpoints, and unwatermarked versions, storing and queueing nothing', async () => {
  const version = watermark.modelVersionId;
  const foreign = await seedReadyWatermark(f, tenantB, { triggerCount: 40 });
  const foreignEndpoint = await endpointOf(foreign.modelVersionId, tenantB, 'default');
  const removed = await f.db.registeredEndpoint.create({ data: { tenantId: tenantA, modelVersionId: version, name: 'old', url: 'https://old.serving.example/', protocol: 'KSERVE_V2', modelName: 'net', removedAt: new Date() } });
  const twoEndpoints = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  await endpointOf(twoEndpoints.modelVersionId, tenantA, 'eu');
  await endpointOf(twoEndpoints.modelVersionId, tenantA, 'us');
  const noEndpoint = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  const unwatermarked = await seedReadyVersion(f.db, tenantA);
  await endpointOf(unwatermarked.id, tenantA, 'default');
  const before = await stored();
  const refused: Array<[EnrollEndpointInput, string]> = [
    [{ modelVersionId: version, rounds: 1 }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, rounds: 11 }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, rounds: 2.5 }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, maxUnstableShare: -0.1 }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, maxUnstableShare: 0.51 }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: 'nope' }, 'MODEL_VERSION_NOT_FOUND'],
    [{ modelVersionId: foreign.modelVersionId }, 'MODEL_VERSION_NOT_FOUND'],
    [{ modelVersionId: version, watermarkId: foreign.id }, 'WATERMARK_NOT_READY'],
    [{ modelVersionId: unwatermarked.id }, 'WATERMARK_NOT_READY'],
    [{ modelVersionId: version, endpointId: foreignEndpoint.id }, 'ENDPOINT_NOT_FOUND'],
    [{ modelVersionId: version, endpointId: removed.id }, 'ENDPOINT_NOT_FOUND'],
    [{ modelVersionId: twoEndpoints.modelVersionId }, 'ENDPOINT_AMBIGUOUS'],
    [{ modelVersionId: noEndpoint.modelVersionId }, 'NO_ENDPOINT'],
    [{ modelVersionId: version, endpointId: registered.id, endpoint: { url: 'https://x.example/', protocol: 'KSERVE_V2' } }, 'INVALID_MODEL_INPUT'],
    [{ modelVersionId: version, endpoint: { url: 'http://169.254.169.254/', protocol: 'KSERVE_V2', credential: 'tok-metadata' } }, 'ENDPOINT_FORBIDDEN'],
  ];
  for (const [input, code] of refused) await assert.rejects(operatorA().enroll(input), { code }, JSON.stringify(input));
  assert.deepEqual(await stored(), before);
});

test('roles: viewers, platform admins and anonymous callers cannot enroll; reads are the tenant\'s alone', async () => {
  const before = await stored();
  await assert.rejects(sut(actorOf(tenantA, 'VIEWER')).enroll({ modelVersionId: watermark.modelVersionId }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actorOf(null, 'PLATFORM_ADMIN')).enroll({ modelVersionId: watermark.modelVersionId }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).enroll({ modelVersionId: watermark.modelVersionId }), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(null).get(randomUUID()), { code: 'UNAUTHENTICATED' });
  assert.deepEqual(await stored(), before);

  const { enrollment } = await operatorA().enroll({ modelVersionId: watermark.modelVersionId });
  const viewer = sut(actorOf(tenantA, 'VIEWER'));
  assert.equal((await viewer.get(enrollment.id))?.id, enrollment.id);
  assert.equal((await viewer.forJob(enrollment.jobId))?.id, enrollment.id);
  assert.ok((await viewer.forVersion(watermark.modelVersionId, { first: 50 })).items.some((e) => e.id === enrollment.id));
  const other = sut(actorOf(tenantB, 'TENANT_ADMIN'));
  assert.equal(await other.get(enrollment.id), null);
  assert.equal(await other.forJob(enrollment.jobId), null);
  assert.equal((await other.forVersion(watermark.modelVersionId, { first: 50 })).totalCount, 0);
});

test('findEnrollment: the newest ENROLLED enrollment of exactly that endpoint and watermark', async () => {
  const enrolled = async (url: string, status: 'ENROLLED' | 'FAILED' = 'ENROLLED') => {
    const job = await f.db.job.create({ data: { id: randomUUID(), tenantId: tenantA, kind: 'ENROLL', status: 'SUCCEEDED' } });
    return f.db.endpointEnrollment.create({
      data: { tenantId: tenantA, modelVersionId: watermark.modelVersionId, watermarkId: watermark.id, jobId: job.id, status, endpointUrl: url, endpointProtocol: 'KSERVE_V2', endpointModelName: 'net', rounds: 3, batchSizes: [16, 1], maxUnstableShare: 0.1 },
    });
  };
  const url = 'https://find.serving.example/';
  await enrolled(url);
  const newest = await enrolled(url);
  await enrolled(url, 'FAILED');
  const at = { watermarkId: watermark.id, endpointUrl: url, endpointProtocol: 'KSERVE_V2' as const, endpointModelName: 'net', endpointInputFormat: 'FLOAT32' as const };
  assert.equal((await findEnrollment(f.db, at))?.id, newest.id);
  assert.equal(await findEnrollment(f.db, { ...at, endpointModelName: 'other' }), null);
  assert.equal(await findEnrollment(f.db, { ...at, endpointProtocol: 'TF_SERVING_REST' }), null);
  assert.equal(await findEnrollment(f.db, { ...at, endpointInputFormat: 'UINT8' }), null);
});
