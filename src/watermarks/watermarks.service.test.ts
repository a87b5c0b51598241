import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { actorOf, jobsRepositoryOf, startServiceFixture, type ServiceFixture } from '../../test/support/service-fixture.ts';
import { seedReadyVersion } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import { JobsService } from '../jobs/jobs.service.ts';
import { WatermarksService } from './watermarks.service.ts';
import { WatermarksRepository } from './watermarks.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { WATERMARK_SCHEME } from './watermark-settings.ts';

let f: ServiceFixture;
let tenantA: string;
let tenantB: string;
let versionA: string;
const sut = (actor: Actor | null) => new WatermarksService(actor ? new WatermarksRepository(scopeToTenant(f.db, actor.tenantId)) : null, f.queue, actor);

before(async () => {
  f = await startServiceFixture();
  tenantA = await f.tenant('a');
  tenantB = await f.tenant('b');
  versionA = (await seedReadyVersion(f.db, tenantA, { inputMin: 0, inputMax: 1 })).id;
});
after(() => f.stop());

const counts = async () => ({ watermarks: await f.db.watermark.count(), jobs: await f.db.job.count(), queued: await f.queueCount('watermark') });

test('start: an operator gets a PENDING watermark with the defaults, its Job row and its queue entry; no trigger is stored; cancelling ends it', async () => {
  const { watermark, job } = await sut(actorOf(tenantA, 'OPERATOR')).start({ modelVersionId: versionA });
  assert.deepEqual([watermark.status, watermark.tenantId, watermark.modelVersionId, watermark.jobId], ['PENDING', tenantA, versionA, job.id]);
  assert.deepEqual([watermark.scheme, watermark.method, watermark.triggerCount, watermark.profile, watermark.allowWeak], [WATERMARK_SCHEME, 'JUNCTION', 100, 'FP16', false]);
  assert.deepEqual(watermark.policy, { kind: 'strict' });
  assert.deepEqual(watermark.inputDomain, { min: 0, max: 1, encoding: 'FLOAT32' }, "the version's input domain is recorded");
  assert.equal(watermark.commitment, null);
  assert.deepEqual([job.kind, job.status, job.tenantId], ['WATERMARK', 'QUEUED', tenantA]);
  const entry = await f.queueEntry(job.id);
  assert.deepEqual([entry?.name, entry?.state], ['watermark', 'created']);
  assert.deepEqual(Object.keys(entry!.data as object), ['jobId'], 'the queue entry carries the job id only');
  assert.equal(await f.db.vaultSecret.count({ where: { recordId: watermark.id } }), 0, 'the trigger set is sealed by the worker, later');
  await new JobsService(jobsRepositoryOf(f.db, tenantA), f.queue, actorOf(tenantA, 'OPERATOR')).cancel(job.id);
  assert.equal((await sut(actorOf(tenantA, 'VIEWER')).get(watermark.id))?.status, 'CANCELLED', 'cancelling the queued job ends the watermark too');

  const tolerant = await sut(actorOf(tenantA, 'TENANT_ADMIN')).start({ modelVersionId: versionA, triggerCount: 16, allowWeak: true, tolerance: 0.1, method: 'CE_VARIANCE', profile: 'FP32_EXACT' });
  assert.deepEqual([tolerant.watermark.triggerCount, tolerant.watermark.allowWeak, tolerant.watermark.method], [16, true, 'CE_VARIANCE']);
  assert.deepEqual(tolerant.watermark.policy, { kind: 'tolerance', maxMismatchFraction: 0.1 });
});

test('start refuses bad settings, unready and unknown versions with domain codes, storing and queueing nothing', async () => {
  const operator = sut(actorOf(tenantA, 'OPERATOR'));
  const before = await counts();
  const refused: Array<[Parameters<WatermarksService['start']>[0], string]> = [
    [{ modelVersionId: versionA, triggerCount: 9 }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: versionA, triggerCount: 16 }, 'WATERMARK_TOO_WEAK'],
    [{ modelVersionId: versionA, method: 'GUESS' }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: versionA, lambda: -1 }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: versionA, maxSteps: 0 }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: versionA, tolerance: 0.5 }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: versionA, profile: 'INT4' }, 'INVALID_WATERMARK_INPUT'],
    // The engine refuses the objective for the profile: mapped to the watermark's own code.
    [{ modelVersionId: versionA, method: 'SENSITIVE', profile: 'FP16' }, 'INVALID_WATERMARK_INPUT'],
    [{ modelVersionId: 'not-a-uuid' }, 'MODEL_VERSION_NOT_FOUND'],
    [{ modelVersionId: (await seedReadyVersion(f.db, tenantA, { status: 'AWAITING_UPLOAD' })).id }, 'VERSION_NOT_READY'],
    [{ modelVersionId: (await seedReadyVersion(f.db, tenantB)).id }, 'MODEL_VERSION_NOT_FOUND'],
  ];
  for (const [input, code] of refused) await assert.rejects(operator.start(input), { code }, JSON.stringify(input));
  assert.deepEqual(await counts(), before);
});

test('start refuses a trigger set larger than the vault seals, naming the most triggers that fit, before anything is queued', async () => {
  const operator = sut(actorOf(tenantA, 'OPERATOR'));
  const imagenet = (await seedReadyVersion(f.db, tenantA, { inputShape: [224, 224, 3], numClasses: 1000, inputMin: 0, inputMax: 1 })).id;
  const before = await counts();
  const refused = operator.start({ modelVersionId: imagenet, triggerCount: 1000 });
  await assert.rejects(refused, (e: unknown) => {
    const error = e as { code: string; message: string; field: string[] };
    assert.equal(error.code, 'INVALID_WATERMARK_INPUT');
    assert.deepEqual(error.field, ['input', 'triggerCount']);
    assert.match(error.message, /1000 triggers of this model's input \[224, 224, 3\] make a trigger set larger than the 128 MB the vault seals in one piece; ask for at most 221\./);
    return true;
  });
  assert.deepEqual(await counts(), before);
  assert.equal((await operator.start({ modelVersionId: imagenet, triggerCount: 221 })).watermark.triggerCount, 221);
});

test('roles: viewers, platform admins and anonymous callers cannot start; viewers read', async () => {
  const before = await counts();
  await assert.rejects(sut(actorOf(tenantA, 'VIEWER')).start({ modelVersionId: versionA }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actorOf(null, 'PLATFORM_ADMIN')).start({ modelVersionId: versionA }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).start({ modelVersionId: versionA }), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(null).get(versionA), { code: 'UNAUTHENTICATED' });
  assert.deepEqual(await counts(), before);

  const { watermark } = await sut(actorOf(tenantA, 'OPERATOR')).start({ modelVersionId: versionA });
  const viewer = sut(actorOf(tenantA, 'VIEWER'));
  assert.equal((await viewer.get(watermark.id))?.id, watermark.id);
  assert.equal((await viewer.forJob(watermark.jobId))?.id, watermark.id);
  assert.ok((await viewer.forVersion(versionA, { first: 50 })).items.some((w) => w.id === watermark.id));
  assert.equal(await viewer.get('not-a-uuid'), null);
});

test("another tenant's watermarks do not exist for the caller", async () => {
  const { watermark } = await sut(actorOf(tenantA, 'OPERATOR')).start({ modelVersionId: versionA });
  const other = sut(actorOf(tenantB, 'TENANT_ADMIN'));
  assert.equal(await other.get(watermark.id), null);
  assert.equal(await other.forJob(watermark.jobId), null);
  const page = await other.forVersion(versionA, { first: 50 });
  assert.deepEqual([page.items.length, page.totalCount], [0, 0]);
});
