import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { actorOf, jobsRepositoryOf, startServiceFixture, type ServiceFixture } from '../../test/support/service-fixture.ts';
import { seedReadyVersion, seedReadyWatermark } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import type { Watermark } from '../db/generated/client.ts';
import { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { EgressPolicy } from '../endpoints/egress-policy.ts';
import { JobsService } from '../jobs/jobs.service.ts';
import { buildManifest } from '../registry/artifacts/artifact-manifest.ts';
import type { ValidatedArtifact } from '../registry/artifacts/model-validation.ts';
import { VerificationsService, type VerifyModelInput } from './verifications.service.ts';
import { ChallengesService } from './challenges.service.ts';
import { VerificationsRepository } from './verifications.repository.ts';
import { ChallengesRepository } from './challenges.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let f: ServiceFixture;
let issuer: AttestationIssuer;
let tenantA: string;
let tenantB: string;
/** READY, 40 triggers; its key labels are index % 4 (test/support/watermark.ts). */
let watermark: Watermark;
const CHALLENGES = { maxRevealedShare: 0.5, maxSize: 10, maxTtlSeconds: 7200 };
const TTL_MS = 3_600_000;
const sut = (actor: Actor | null) => new VerificationsService(actor ? new VerificationsRepository(scopeToTenant(f.db, actor.tenantId), f.db) : null, f.vault, f.queue, actor, new EgressPolicy(), TTL_MS);
/** Challenges make CHALLENGE verifications (and attestations) for the reads below; their own tests: challenges.service.test.ts. */
const challenges = (actor: Actor | null) => new ChallengesService(actor ? new ChallengesRepository(scopeToTenant(f.db, actor.tenantId), f.db) : null, f.vault, issuer, CHALLENGES, actor);
const operatorA = () => sut(actorOf(tenantA, 'OPERATOR'));
const keyLabels = (indices: readonly number[]) => indices.map((i) => i % 4);
/** A model copy as the upload route hands it over once validated (its files are not needed here). */
const uploaded = (weightsDigest: string): ValidatedArtifact => ({
  manifest: buildManifest([{ name: 'model.json', sha256: 'cd'.repeat(32), size: 100 }]),
  inputShape: [2, 2, 1],
  numClasses: 4,
  weightsDigest,
  format: 'TFJS_LAYERS',
  inputLayout: 'NHWC',
  binaryOutput: null,
});

before(async () => {
  f = await startServiceFixture();
  issuer = new AttestationIssuer(f.db, f.vault, { issuer: 'http://fragmark.test', ttlSeconds: 3600 });
  tenantA = await f.tenant('a');
  tenantB = await f.tenant('b');
  watermark = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
});
after(() => f.stop());

const stored = async () => ({
  verifications: await f.db.verification.count(),
  jobs: await f.db.job.count(),
  queued: await f.queueCount('verify'),
  secrets: await f.db.vaultSecret.count({ where: { purpose: 'endpoint-credential' } }),
});

test('verify: a PENDING verification, its Job row and queue entry together; cancelling the queued job ends it ERROR, not PENDING forever', async () => {
  const { verification, jobId } = await operatorA().verify({ modelVersionId: watermark.modelVersionId, mode: 'ARTIFACT', audience: 'auditor.example', nonce: 'n-1' });
  assert.deepEqual([verification.verdict, verification.mode, verification.watermarkId, verification.jobId], ['PENDING', 'ARTIFACT', watermark.id, jobId]);
  assert.deepEqual([verification.audience, verification.nonce, verification.endpointUrl], ['auditor.example', 'n-1', null]);
  assert.deepEqual(verification.policy, watermark.policy);
  const job = await f.db.job.findUniqueOrThrow({ where: { id: jobId } });
  assert.deepEqual([job.kind, job.status, job.tenantId], ['VERIFY', 'QUEUED', tenantA]);
  assert.deepEqual((await f.queueEntry(jobId))?.state, 'created');

  await new JobsService(jobsRepositoryOf(f.db, tenantA), f.queue, actorOf(tenantA, 'OPERATOR')).cancel(jobId);
  const ended = await f.db.verification.findUniqueOrThrow({ where: { id: verification.id } });
  assert.deepEqual([ended.verdict, ended.errorReason], ['ERROR', 'The verification was cancelled.']);
  assert.ok(ended.completedAt);
});

test('verify an ad-hoc endpoint: its credential is sealed under the verification, never stored or queued in the clear; an enrolled endpoint queries its stable triggers', async () => {
  const credential = 'tok-' + randomUUID();
  const endpoint = { url: 'https://serving.example.com/', protocol: 'KSERVE_V2' as const, modelName: 'net', credential };
  const job = await f.db.job.create({ data: { id: randomUUID(), tenantId: tenantA, kind: 'ENROLL', status: 'SUCCEEDED' } });
  const enrollment = await f.db.endpointEnrollment.create({
    data: { tenantId: tenantA, modelVersionId: watermark.modelVersionId, watermarkId: watermark.id, jobId: job.id, status: 'ENROLLED', endpointUrl: endpoint.url, endpointProtocol: 'KSERVE_V2', endpointModelName: 'net', rounds: 3, batchSizes: [16, 1], maxUnstableShare: 0.1, stableIndices: Array.from({ length: 37 }, (_, i) => i) },
  });
  const { verification, jobId } = await operatorA().verify({ modelVersionId: watermark.modelVersionId, mode: 'ENDPOINT', endpoint });
  assert.deepEqual([verification.endpointUrl, verification.endpointProtocol, verification.endpointId, verification.hasEndpointCredential], [endpoint.url, 'KSERVE_V2', null, true]);
  assert.deepEqual([verification.enrollmentId, verification.triggersExcluded], [enrollment.id, 3]);

  const secret = await f.db.vaultSecret.findFirstOrThrow({ where: { purpose: 'endpoint-credential', recordId: verification.id } });
  assert.equal(secret.tenantId, tenantA);
  assert.ok(!Buffer.from(secret.ciphertext).includes(credential), 'sealed, not plain');
  const row = JSON.stringify(await f.db.verification.findUniqueOrThrow({ where: { id: verification.id } }));
  const entry = JSON.stringify(await f.queueEntry(jobId));
  assert.ok(!row.includes(credential) && !entry.includes(credential), 'neither in the row nor in the job payload');
  const opened = await f.vault.unseal({ tenantId: tenantA, purpose: 'endpoint-credential', recordId: verification.id }, { apiKeyId: null });
  assert.equal(new TextDecoder().decode(opened), credential);
});

test('verify refuses unknown, foreign and unready targets and bad input with domain codes, storing, sealing and queueing nothing', async () => {
  const version = watermark.modelVersionId;
  const foreign = await seedReadyWatermark(f, tenantB, { triggerCount: 40 });
  const unwatermarked = (await seedReadyVersion(f.db, tenantA)).id;
  const otherWatermark = await seedReadyWatermark(f, tenantA, { triggerCount: 40 });
  const stale = await f.db.candidateArtifact.create({ data: { tenantId: tenantA, artifact: {}, weightsDigest: 'cd'.repeat(32), inputShape: [2, 2, 1], numClasses: 4, createdAt: new Date(Date.now() - 2 * TTL_MS) } });
  const before = await stored();
  const refused: Array<[VerifyModelInput, string]> = [
    [{ modelVersionId: 'nope', mode: 'ARTIFACT' }, 'MODEL_VERSION_NOT_FOUND'],
    [{ modelVersionId: foreign.modelVersionId, mode: 'ARTIFACT' }, 'MODEL_VERSION_NOT_FOUND'],
    [{ modelVersionId: unwatermarked, mode: 'ARTIFACT' }, 'WATERMARK_NOT_READY'],
    [{ modelVersionId: version, mode: 'ARTIFACT', watermarkId: otherWatermark.id }, 'WATERMARK_NOT_READY'],
    [{ modelVersionId: version, mode: 'ARTIFACT', watermarkId: foreign.id }, 'WATERMARK_NOT_READY'],
    [{ modelVersionId: version, mode: 'ARTIFACT', audience: 'ünïcode' }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, mode: 'ARTIFACT', nonce: 'x'.repeat(257) }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, mode: 'ARTIFACT', endpointId: randomUUID() }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, mode: 'ENDPOINT' }, 'NO_ENDPOINT'],
    // An upload with an endpoint verification would be silently unchecked.
    [{ modelVersionId: version, mode: 'ENDPOINT', candidateArtifactId: stale.id }, 'INVALID_VERIFICATION_INPUT'],
    [{ modelVersionId: version, mode: 'ENDPOINT', endpoint: { url: 'http://127.0.0.1:8501/', protocol: 'TF_SERVING_REST', credential: 'tok-refused' } }, 'ENDPOINT_FORBIDDEN'],
    [{ modelVersionId: version, mode: 'ARTIFACT', candidateArtifactId: randomUUID() }, 'CANDIDATE_NOT_FOUND'],
    [{ modelVersionId: version, mode: 'ARTIFACT', candidateArtifactId: stale.id }, 'CANDIDATE_EXPIRED'],
  ];
  for (const [input, code] of refused) await assert.rejects(operatorA().verify(input), { code }, JSON.stringify(input));
  assert.deepEqual(await stored(), before);
});

test("an uploaded copy is recorded whole or not at all, and is checked only by its own tenant", async () => {
  const artifact = uploaded('12'.repeat(32));
  await assert.rejects(operatorA().registerCandidate(artifact, async () => { throw new Error('over quota'); }), /over quota/);
  assert.equal(await f.db.candidateArtifact.count({ where: { weightsDigest: artifact.weightsDigest } }), 0);
  const candidate = await operatorA().registerCandidate(artifact);
  assert.deepEqual([candidate.tenantId, candidate.numClasses], [tenantA, 4]);

  const { verification } = await operatorA().verify({ modelVersionId: watermark.modelVersionId, mode: 'ARTIFACT', candidateArtifactId: candidate.id });
  assert.equal(verification.candidateArtifactId, candidate.id);
  const foreign = await seedReadyWatermark(f, tenantB, { triggerCount: 40 });
  await assert.rejects(sut(actorOf(tenantB, 'OPERATOR')).verify({ modelVersionId: foreign.modelVersionId, mode: 'ARTIFACT', candidateArtifactId: candidate.id }), { code: 'CANDIDATE_NOT_FOUND' });
});

test('roles: viewers, platform admins and anonymous callers change nothing; viewers read', async () => {
  const writes = (s: VerificationsService) => [s.verify({ modelVersionId: watermark.modelVersionId, mode: 'ARTIFACT' }), s.registerCandidate(uploaded('ef'.repeat(32)))];
  const before = await stored();
  for (const call of writes(sut(actorOf(tenantA, 'VIEWER')))) await assert.rejects(call, { code: 'FORBIDDEN' });
  for (const call of writes(sut(actorOf(null, 'PLATFORM_ADMIN')))) await assert.rejects(call, { code: 'FORBIDDEN' });
  for (const call of writes(sut(null))) await assert.rejects(call, { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(null).list({ first: 5 }), { code: 'UNAUTHENTICATED' });
  assert.deepEqual(await stored(), before);
  assert.equal(await f.db.candidateArtifact.count({ where: { weightsDigest: 'ef'.repeat(32) } }), 0);
  assert.ok((await sut(actorOf(tenantA, 'VIEWER')).list({ first: 5 })).totalCount > 0);
});

test("lists and reads are the caller's tenant's alone; filters narrow the list", async () => {
  const { verification: pending } = await operatorA().verify({ modelVersionId: watermark.modelVersionId, mode: 'ARTIFACT' });
  const challenge = await challenges(actorOf(tenantA, 'OPERATOR')).createChallenge({ watermarkId: watermark.id, size: 2 });
  const intact = await challenges(actorOf(tenantA, 'OPERATOR')).answerChallenge(challenge.challenge.id, keyLabels(challenge.challenge.triggerIndices));

  const other = sut(actorOf(tenantB, 'TENANT_ADMIN'));
  assert.equal(await other.get(pending.id), null);
  assert.equal(await other.forJob(pending.jobId!), null);
  assert.equal((await other.list({ first: 50 })).totalCount, 0);
  assert.equal((await other.list({ first: 50 }, { modelVersionId: watermark.modelVersionId })).totalCount, 0);

  const viewer = sut(actorOf(tenantA, 'VIEWER'));
  assert.equal((await viewer.get(pending.id))?.id, pending.id);
  const ids = async (filter: Parameters<VerificationsService['list']>[1]) => (await viewer.list({ first: 100 }, filter)).items.map((v) => v.id);
  assert.ok((await ids({ verdict: 'INTACT' })).includes(intact.id) && !(await ids({ verdict: 'INTACT' })).includes(pending.id));
  assert.ok((await ids({ mode: 'ARTIFACT' })).includes(pending.id) && !(await ids({ mode: 'ARTIFACT' })).includes(intact.id));
  assert.deepEqual(await ids({ since: new Date(Date.now() + 60_000) }), []);

});
