/**
 * Watermark strength end to end (issue 17, "Attestations that say exactly what was checked"),
 * through HTTP with a real worker process: a request for too few triggers is refused up front
 * unless allowWeak; a generation whose self-check flips no trigger ends FAILED with the figure
 * and nothing sealed; a weak watermark made with allowWeak and a standard one each say what they
 * are in the API and in their tokens (ARTIFACT and CHALLENGE here; ENDPOINT in
 * verification-flow.test.ts), checked with the real verifier; older rows get a level from what
 * they recorded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { retriedOnlyAfterLostHeartbeat, startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { verifyAttestation } from '../../src/attestations/crypto/attestation-token.ts';

const REFERENCE_MODEL = fileURLToPath(new URL('../../fixtures/mnist-cnn/', import.meta.url));
const START = `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id status } job { id } userErrors { code message field } } }`;
const STRENGTH = 'strength { level reasons triggers method flipFractionUnderNoise noiseStd detectionFloor }';
const WATERMARK = `query($id: ID!) { watermark(id: $id) { status allowWeak commitment selfCheck { flipFractionUnderNoise noiseStd } ${STRENGTH} job { status error attempts } } }`;
const VERIFY = `mutation($v: ID!) { verifyModel(input: { modelVersionId: $v, mode: ARTIFACT }) { verification { id } userErrors { code message } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { verdict errorReason attestation { token } } }`;

describe('watermark strength', () => {
  let api: TestApi;
  let worker: TestWorker;
  let tenantId: string;
  let key: string;
  let tinyVersion: string;
  let referenceVersion: string;

  const seedDeps = () => ({ db: api.database.db, vault: api.vault });
  const jwks = async () => (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const poll = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 120_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const version = async (label: string, files: Map<string, Uint8Array>) => {
    const modelId = (await api.gql(`mutation($n: String!) { registerModel(input: { name: $n }) { model { id } } }`, { n: label }, key)).data.registerModel.model.id;
    const created = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, key)).data
      .createModelVersion.modelVersion;
    assert.equal((await uploadFiles(api, key, created.uploadPath, files)).status, 200);
    return created.id as string;
  };
  /** Starts a watermark and waits for its job to end; returns the watermark as the API shows it. */
  const watermark = async (input: Record<string, unknown>) => {
    const started = (await api.gql(START, { input }, key)).data.startWatermark;
    assert.deepEqual(started.userErrors, []);
    const read = async () => (await api.gql(WATERMARK, { id: started.watermark.id }, key)).data.watermark;
    return { id: started.watermark.id as string, ...(await poll(read, (w) => w.status !== 'PENDING')) };
  };
  const verifiedToken = async (versionId: string) => {
    const started = (await api.gql(VERIFY, { v: versionId }, key)).data.verifyModel;
    assert.deepEqual(started.userErrors, []);
    const done = await poll(async () => (await api.gql(RESULT, { id: started.verification.id }, key)).data.verification, (v) => v.verdict !== 'PENDING');
    assert.equal(done.verdict, 'INTACT', done.errorReason ?? '');
    return (await verifyAttestation(done.attestation.token, await jwks(), { issuer: api.url })).payload.fragmark;
  };

  before(async () => {
    api = await startTestApi({}, { superviseIntervalSeconds: 1, retryDelaySeconds: 1 });
    const tenant = await createTenant(api, 'Strength');
    tenantId = tenant.id;
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const tiny = buildTinyClassifier({ inputShape: [8, 8, 1] });
    tinyVersion = await version('tiny', await saveModelToFiles(tiny));
    tiny.dispose();
    referenceVersion = await version(
      'digits',
      new Map(await Promise.all(['model.json', 'weights.bin'].map(async (name) => [name, new Uint8Array(await readFile(REFERENCE_MODEL + name))] as const))),
    );
    worker = await startTestWorker(api);
  });
  after(async () => {
    if (worker) await stopTestWorker(worker);
    await api?.close();
  });

  test('fewer than 32 triggers is refused up front, saying why and that allowWeak accepts it; nothing is created', async () => {
    const refused = (await api.gql(START, { input: { modelVersionId: tinyVersion, triggerCount: 31 } }, key)).data.startWatermark;
    assert.equal(refused.watermark, null);
    assert.equal(refused.job, null);
    assert.equal(refused.userErrors.length, 1);
    const [error] = refused.userErrors;
    assert.equal(error.code, 'WATERMARK_TOO_WEAK');
    assert.deepEqual(error.field, ['input', 'triggerCount']);
    assert.match(error.message, /31 triggers make a weak watermark: fewer than 32 can miss a change/);
    assert.match(error.message, /at least 32 triggers, or pass allowWeak: true .* tokens marked weak/);
    assert.equal(await api.database.db.watermark.count({ where: { modelVersionId: tinyVersion } }), 0);
    assert.equal(await api.database.db.job.count({ where: { tenantId } }), 0);
  });

  test('a generation whose self-check flips no trigger ends FAILED, naming the figure and what to do; nothing is sealed', async () => {
    // CE_ONLY stops as soon as every trigger has its label, far from the boundaries: on the tiny
    // model its self-check flips none (0 of 32 in 16 of 16 runs here), as the README tour's did.
    // FP32_EXACT: under the default FP16 profile a CE_ONLY trigger of a random key sometimes sits
    // within FP16's rounding of its boundary (CI: "1 of 40 CE_ONLY triggers do not survive the
    // FP16 profile's numerics"), a retryable failure that is not what this test is about.
    const w = await watermark({ modelVersionId: tinyVersion, triggerCount: 40, method: 'CE_ONLY', profile: 'FP32_EXACT' });
    assert.equal(w.status, 'FAILED');
    assert.equal(w.job.status, 'FAILED');
    // Not retried: another attempt would make the same kind of set (a handover after a lost
    // heartbeat on a loaded host is not a retry of a failure, and writes nothing twice).
    assert.ok(w.job.attempts === 1 || retriedOnlyAfterLostHeartbeat(worker.output(), undefined), `${w.job.attempts} attempts; the worker said:\n${worker.output()}`);
    assert.match(w.job.error, /self-check flipped 0% of its 40 CE_ONLY triggers under Gaussian weight noise of std 0\.001/);
    assert.match(w.job.error, /more triggers or the JUNCTION method .* allowWeak: true/);
    assert.equal(w.allowWeak, false);
    assert.equal(w.selfCheck.flipFractionUnderNoise, 0, 'the measurement is kept on the FAILED watermark');
    assert.deepEqual([w.strength.level, w.strength.reasons], ['WEAK', ['NO_SENSITIVITY']]);
    // Nothing half-stored: no trigger set in the vault, no commitment, nothing to verify against.
    assert.equal(w.commitment, null);
    assert.equal(await api.database.db.vaultSecret.count({ where: { recordId: w.id } }), 0);
    assert.equal(await api.database.db.auditEvent.count({ where: { recordId: w.id, action: 'vault.seal' } }), 0);
    const verify = (await api.gql(VERIFY, { v: tinyVersion }, key)).data.verifyModel;
    assert.equal(verify.userErrors[0].code, 'WATERMARK_NOT_READY');
  });

  test('with allowWeak a weak watermark is READY, says WEAK and why, and its tokens say "weak"', async () => {
    const w = await watermark({ modelVersionId: tinyVersion, triggerCount: 12, method: 'CE_ONLY', allowWeak: true });
    assert.equal(w.status, 'READY', JSON.stringify(w.job));
    assert.equal(w.allowWeak, true);
    assert.equal(w.strength.level, 'WEAK');
    assert.ok(w.strength.reasons.includes('FEW_TRIGGERS'), JSON.stringify(w.strength));
    assert.deepEqual([w.strength.triggers, w.strength.method, w.strength.detectionFloor], [12, 'CE_ONLY', 1]);
    const claims = await verifiedToken(tinyVersion);
    assert.equal(claims.watermark.id, w.id);
    assert.deepEqual(claims.watermark.strength, {
      level: 'weak',
      triggers: 12,
      method: 'CE_ONLY',
      flipFractionUnderNoise: w.selfCheck.flipFractionUnderNoise,
      noiseStd: w.selfCheck.noiseStd,
      detectionFloor: 1,
    });
  });

  test('32 JUNCTION triggers on the reference classifier: a standard watermark, whose tokens say "standard"', async () => {
    // A tolerance of 5% of 32 triggers lets one mismatch pass: TAMPERED from the second.
    const w = await watermark({ modelVersionId: referenceVersion, triggerCount: 32, tolerance: 0.05 });
    assert.equal(w.status, 'READY', JSON.stringify(w.job));
    assert.ok(w.selfCheck.flipFractionUnderNoise > 0, 'the default objective is sensitive');
    assert.deepEqual(w.strength, {
      level: 'STANDARD',
      reasons: [],
      triggers: 32,
      method: 'JUNCTION',
      flipFractionUnderNoise: w.selfCheck.flipFractionUnderNoise,
      noiseStd: 0.001,
      detectionFloor: 2,
    });
    const claims = await verifiedToken(referenceVersion);
    const { reasons: _, ...figures } = w.strength;
    assert.deepEqual(claims.watermark.strength, { ...figures, level: 'standard' });
  });

  test('older watermarks get a level from what they recorded; CHALLENGE tokens carry it too', async () => {
    const STRENGTH_OF = `query($id: ID!) { watermark(id: $id) { allowWeak ${STRENGTH} } }`;
    const unmeasured = await seedReadyWatermark(seedDeps(), tenantId, { triggerCount: 40 });
    const insensitive = await seedReadyWatermark(seedDeps(), tenantId, { triggerCount: 40, selfCheck: { accTri: 1, digestUnchanged: true, flipFractionUnderNoise: 0, noiseStd: 0.001, medianMargin: 0.6 } });
    const small = await seedReadyWatermark(seedDeps(), tenantId, { triggerCount: 20 });
    const read = async (id: string) => (await api.gql(STRENGTH_OF, { id }, key)).data.watermark;
    assert.deepEqual(await read(unmeasured.id), {
      allowWeak: false,
      strength: { level: 'STANDARD', reasons: [], triggers: 40, method: 'SENSITIVE', flipFractionUnderNoise: null, noiseStd: null, detectionFloor: 1 },
    });
    assert.deepEqual((await read(insensitive.id)).strength.reasons, ['NO_SENSITIVITY']);
    assert.deepEqual((await read(small.id)).strength.reasons, ['FEW_TRIGGERS']);

    for (const [seeded, level] of [[unmeasured, 'standard'], [insensitive, 'weak']] as const) {
      const challenge = (
        await api.gql(`mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 4 }) { challenge { id } userErrors { code message } } }`, { w: seeded.id }, key)
      ).data.createChallenge;
      assert.deepEqual(challenge.userErrors, []);
      const answered = (
        await api.gql(`mutation($c: ID!) { answerChallenge(input: { challengeId: $c, labels: [0, 1, 2, 3] }) { verification { attestation { token } } userErrors { code } } }`, { c: challenge.challenge.id }, key)
      ).data.answerChallenge;
      assert.deepEqual(answered.userErrors, []);
      const verified = await verifyAttestation(answered.verification.attestation.token, await jwks(), { issuer: api.url });
      assert.equal(verified.payload.fragmark.verification.mode, 'CHALLENGE');
      assert.equal(verified.payload.fragmark.watermark.strength?.level, level);
      assert.equal(verified.payload.fragmark.watermark.strength?.triggers, 40);
    }
  });
});
