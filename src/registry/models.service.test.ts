import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedReadyWatermark } from '../../test/support/watermark.ts';
import type { Actor } from '../auth/actor.ts';
import { encodeCursor } from '../common/pagination.ts';
import { DEFAULT_EGRESS_POLICY } from '../endpoints/egress-policy.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { Vault } from '../vault/vault.ts';
import { buildManifest } from './artifacts/artifact-manifest.ts';
import type { ValidatedArtifact } from './artifacts/model-validation.ts';
import { ModelsService } from './models.service.ts';
import { ModelsRepository } from './models.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let testDb: TestDatabase;
let vault: Vault;
let tenantA: string;
let tenantB: string;
const actor = (tenantId: string, role: Actor['role'] = 'OPERATOR'): Actor => ({ apiKeyId: randomUUID(), role, tenantId });
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const sut = (who: Actor | null) => new ModelsService(who ? new ModelsRepository(scopeToTenant(testDb.db, who.tenantId), testDb.db) : null, vault, who, DEFAULT_EGRESS_POLICY);
const artifact = (size = 1000): ValidatedArtifact => ({
  manifest: buildManifest([{ name: 'model.json', sha256: 'cd'.repeat(32), size }]),
  inputShape: [28, 28, 1],
  numClasses: 10,
  weightsDigest: 'ab'.repeat(32),
  format: 'TFJS_LAYERS',
  inputLayout: 'NHWC',
  binaryOutput: null,
});

before(async () => {
  testDb = await createTestDatabase();
  await sodiumReady();
  vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test('register: operators and stronger, in their tenant; names, tags and descriptions are checked; a name once per tenant', async () => {
  const model = await sut(actor(tenantA)).register({ name: '  digits  ', description: ' MNIST ', tags: ['Vision', 'vision', ' prod '] });
  assert.deepEqual([model.tenantId, model.name, model.description, model.tags], [tenantA, 'digits', 'MNIST', ['vision', 'prod']]);

  await assert.rejects(sut(actor(tenantA, 'VIEWER')).register({ name: 'v' }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(PLATFORM).register({ name: 'p' }), { code: 'FORBIDDEN' }, 'models belong to tenants');
  await assert.rejects(sut(null).register({ name: 'n' }), { code: 'UNAUTHENTICATED' });
  const operator = sut(actor(tenantA));
  await assert.rejects(operator.register({ name: ' ' }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'name'] });
  await assert.rejects(operator.register({ name: 'a/b' }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'name'] });
  await assert.rejects(operator.register({ name: 'x'.repeat(101) }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'name'] });
  await assert.rejects(operator.register({ name: 't', tags: ['has space'] }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'tags'] });
  await assert.rejects(operator.register({ name: 't', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'tags'] });
  await assert.rejects(operator.register({ name: 't', description: 'd'.repeat(2001) }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'description'] });
  await assert.rejects(operator.register({ name: 'digits' }), { code: 'MODEL_NAME_TAKEN' });
  assert.equal((await sut(actor(tenantB)).register({ name: 'digits' })).tenantId, tenantB, 'another tenant may use the name');
  assert.equal(await testDb.db.model.count({ where: { tenantId: tenantA } }), 1, 'refusals stored nothing');
});

test("another tenant's models, versions and aliases are not found and never listed", async () => {
  const a = sut(actor(tenantA));
  const b = sut(actor(tenantB));
  const model = await a.register({ name: 'private', tags: ['secret'] });
  const version = await a.createVersion({ modelId: model.id, label: '1' });
  await a.setAlias(model.id, 'production', version.id);

  assert.equal(await b.get(model.id), null);
  assert.equal(await b.getVersion(version.id), null);
  assert.equal(await b.get('not-a-uuid'), null);
  const listed = await b.list({ first: 100 });
  assert.ok(!listed.items.some((m) => m.tenantId !== tenantB), "no row of A in B's list");
  assert.equal(listed.totalCount, (await testDb.db.model.count({ where: { tenantId: tenantB } })));
  assert.deepEqual((await b.list({ first: 100 }, { tag: 'secret' })).items, []);
  assert.deepEqual(await b.versions(model.id, { first: 10 }), { items: [], hasNextPage: false, totalCount: 0 }, 'first page (batched, raw SQL)');
  assert.deepEqual((await b.versions(model.id, { first: 10, after: encodeCursor('ffffffff-ffff-7fff-bfff-ffffffffffff') })).items, [], 'later pages');
  assert.deepEqual(await b.aliases(model.id), []);
  assert.deepEqual(await b.aliasesOfVersion(version.id), []);

  await assert.rejects(b.createVersion({ modelId: model.id, label: '2' }), { code: 'MODEL_NOT_FOUND' });
  await assert.rejects(b.setAlias(model.id, 'production', version.id), { code: 'MODEL_VERSION_NOT_FOUND' });
  await assert.rejects(b.attachArtifact(version.id, artifact()), { code: 'MODEL_VERSION_NOT_FOUND' });
  assert.equal((await testDb.db.modelVersion.findUniqueOrThrow({ where: { id: version.id } })).status, 'AWAITING_UPLOAD');
  assert.equal((await testDb.db.modelAlias.findFirstOrThrow({ where: { modelId: model.id } })).versionId, version.id);
});

test('createVersion: label and input domain checked, a label once per model; an endpoint only from a tenant admin, its credential sealed', async () => {
  const operator = sut(actor(tenantA));
  const model = await operator.register({ name: 'versioned' });
  const version = await operator.createVersion({ modelId: model.id, label: ' 1.0.0 ' });
  assert.deepEqual([version.tenantId, version.label, version.status, version.inputMin, version.inputMax, version.inputEncoding], [tenantA, '1.0.0', 'AWAITING_UPLOAD', 0, 1, 'FLOAT32']);
  await assert.rejects(operator.createVersion({ modelId: model.id, label: '1.0.0' }), { code: 'VERSION_LABEL_TAKEN' });
  await assert.rejects(operator.createVersion({ modelId: model.id, label: 'a b' }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'label'] });
  await assert.rejects(operator.createVersion({ modelId: model.id, label: '2', inputDomain: { min: 1, max: 0 } }), { code: 'INVALID_MODEL_INPUT', field: ['input', 'inputDomain'] });
  await assert.rejects(operator.createVersion({ modelId: 'nope', label: '2' }), { code: 'MODEL_NOT_FOUND' });
  await assert.rejects(sut(actor(tenantA, 'VIEWER')).createVersion({ modelId: model.id, label: '2' }), { code: 'FORBIDDEN' });

  const endpoint = { url: 'https://serving.example.com/', protocol: 'KSERVE_V2' as const, credential: 'bearer-s3cret-token' };
  await assert.rejects(operator.createVersion({ modelId: model.id, label: '2', endpoint }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(actor(tenantA, 'TENANT_ADMIN')).createVersion({ modelId: model.id, label: '2', endpoint: { ...endpoint, url: 'ftp://x/' } }), {
    code: 'INVALID_MODEL_INPUT',
  });
  assert.equal(await testDb.db.modelVersion.count({ where: { modelId: model.id } }), 1, 'refusals stored nothing');

  const admin = actor(tenantA, 'TENANT_ADMIN');
  const withEndpoint = await sut(admin).createVersion({ modelId: model.id, label: '2', endpoint });
  const registered = await testDb.db.registeredEndpoint.findFirstOrThrow({ where: { modelVersionId: withEndpoint.id } });
  assert.deepEqual([registered.tenantId, registered.name, registered.modelName, registered.credentialRecordId], [tenantA, 'default', 'versioned', registered.id]);
  const sealed = await testDb.db.vaultSecret.findFirstOrThrow({ where: { tenantId: tenantA, purpose: 'endpoint-credential', recordId: registered.id } });
  assert.ok(!Buffer.from(sealed.ciphertext).includes('bearer-s3cret-token'), 'the credential is stored sealed, never plain');
  assert.ok(!JSON.stringify(registered).includes('bearer-s3cret-token'));
  const audit = await testDb.db.auditEvent.findFirstOrThrow({ where: { recordId: registered.id, action: 'endpoint.register' } });
  assert.equal(audit.actorApiKeyId, admin.apiKeyId);
  assert.ok(!JSON.stringify(audit).includes('bearer-s3cret-token'));
});

test('attachArtifact: AWAITING_UPLOAD to READY once (immutable after); a failing beforeCommit records nothing; bytes counted per tenant', async () => {
  const operator = sut(actor(tenantA));
  const model = await operator.register({ name: 'uploaded' });
  const version = await operator.createVersion({ modelId: model.id, label: '1' });
  const bytesBefore = await operator.storedArtifactBytes();

  await assert.rejects(operator.attachArtifact(version.id, artifact(), async () => { throw new Error('quota refused'); }), /quota refused/);
  assert.equal((await operator.getVersion(version.id))!.status, 'AWAITING_UPLOAD');
  await assert.rejects(sut(actor(tenantA, 'VIEWER')).attachArtifact(version.id, artifact()), { code: 'FORBIDDEN' });

  const ready = await operator.attachArtifact(version.id, artifact(1234));
  assert.deepEqual([ready.status, ready.numClasses, ready.weightsDigest, ready.artifactBytes, ready.inputShape], ['READY', 10, 'ab'.repeat(32), 1234, [28, 28, 1]]);
  assert.equal(ready.artifactDigest, artifact(1234).manifest.digest);
  await assert.rejects(operator.attachArtifact(version.id, artifact(99)), { code: 'VERSION_IMMUTABLE' });
  assert.equal((await operator.getVersion(version.id))!.artifactBytes, 1234);
  assert.equal(await operator.storedArtifactBytes(), bytesBefore + 1234);
  assert.equal(await sut(actor(tenantB, 'VIEWER')).storedArtifactBytes(), 0, "another tenant's bytes are not counted");
});

test('aliases move within a model; lists filter by name, tag, alias and latest verdict; versions page', async () => {
  const operator = sut(actor(tenantA));
  const model = await operator.register({ name: 'Fleet-Alpha', tags: ['fleet'] });
  const other = await operator.register({ name: 'fleet-beta' });
  const v1 = await operator.createVersion({ modelId: model.id, label: '1' });
  const v2 = await operator.createVersion({ modelId: model.id, label: '2' });
  const foreign = await operator.createVersion({ modelId: other.id, label: '1' });

  await operator.setAlias(model.id, 'production', v1.id);
  const moved = await operator.setAlias(model.id, 'production', v2.id);
  assert.equal(moved.versionId, v2.id);
  assert.deepEqual(await operator.aliasesOfVersion(v2.id), ['production']);
  assert.deepEqual(await operator.aliasesOfVersion(v1.id), []);
  await assert.rejects(operator.setAlias(model.id, 'production', foreign.id), { code: 'MODEL_VERSION_NOT_FOUND' }, 'a version of another model');
  await assert.rejects(operator.setAlias(model.id, 'Prod!', v1.id), { code: 'INVALID_MODEL_INPUT', field: ['input', 'alias'] });
  await assert.rejects(sut(actor(tenantA, 'VIEWER')).setAlias(model.id, 'staging', v1.id), { code: 'FORBIDDEN' });

  const names = async (filter: Parameters<ModelsService['list']>[1]) => (await operator.list({ first: 100 }, filter)).items.map((m) => m.name).sort();
  assert.deepEqual(await names({ name: 'FLEET' }), ['Fleet-Alpha', 'fleet-beta']);
  assert.deepEqual(await names({ tag: 'Fleet' }), ['Fleet-Alpha']);
  assert.deepEqual(await names({ alias: 'production', name: 'fleet' }), ['Fleet-Alpha']);

  const watermark = await seedReadyWatermark({ db: testDb.db, vault }, tenantA, { triggerCount: 2, modelVersionId: v1.id });
  await testDb.db.verification.create({ data: { tenantId: tenantA, modelVersionId: v1.id, watermarkId: watermark.id, mode: 'ARTIFACT', verdict: 'TAMPERED', policy: { kind: 'strict' } } });
  await testDb.db.verification.create({ data: { tenantId: tenantA, modelVersionId: v2.id, watermarkId: watermark.id, mode: 'ARTIFACT', verdict: 'INTACT', policy: { kind: 'strict' } } });
  assert.deepEqual(await names({ latestVerdict: 'INTACT' }), ['Fleet-Alpha'], 'the newest verification across versions counts');
  assert.deepEqual(await names({ latestVerdict: 'TAMPERED' }), []);
  assert.deepEqual((await sut(actor(tenantB)).list({ first: 100 }, { latestVerdict: 'INTACT' })).items, []);

  const first = await operator.versions(model.id, { first: 1 });
  assert.deepEqual([first.items.map((v) => v.label), first.hasNextPage, first.totalCount], [['2'], true, 2]);
  const rest = await operator.versions(model.id, { first: 1, after: encodeCursor(first.items[0]!.id) });
  assert.deepEqual([rest.items.map((v) => v.label), rest.hasNextPage], [['1'], false]);
});
