import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedVerdict, parseAttestationClaims } from '../attestations/crypto/attestation-claims.ts';
import { detectionFloor, generatedWatermarkRefusal, MIN_STANDARD_TRIGGERS, watermarkStrength, weakReasons } from './watermark-strength.ts';

const STRICT = { kind: 'strict' };
const selfCheck = (flipFractionUnderNoise: number) => ({ accTri: 1, digestUnchanged: true, flipFractionUnderNoise, noiseStd: 1e-3, medianMargin: 0.01 });

test('a large, sensitive watermark is standard; its figures come from the row', () => {
  const sut = watermarkStrength({ triggerCount: 100, method: 'JUNCTION', policy: STRICT, selfCheck: selfCheck(0.74) });
  assert.deepEqual(sut, { level: 'standard', triggers: 100, method: 'JUNCTION', flipFractionUnderNoise: 0.74, noiseStd: 1e-3, detectionFloor: 1 });
});

test('fewer than 32 triggers, or no trigger flipped by the self-check, is weak', () => {
  assert.equal(MIN_STANDARD_TRIGGERS, 32);
  assert.equal(watermarkStrength({ triggerCount: 31, method: 'JUNCTION', policy: STRICT, selfCheck: selfCheck(0.8) }).level, 'weak');
  assert.equal(watermarkStrength({ triggerCount: 32, method: 'JUNCTION', policy: STRICT, selfCheck: selfCheck(0.8) }).level, 'standard');
  // The README tour's old watermark: 10 CE_ONLY triggers, 0% flipped.
  const tour = watermarkStrength({ triggerCount: 10, method: 'CE_ONLY', policy: STRICT, selfCheck: selfCheck(0) });
  assert.equal(tour.level, 'weak');
  assert.equal(tour.flipFractionUnderNoise, 0);
  assert.equal(watermarkStrength({ triggerCount: 1000, method: 'CE_VARIANCE', policy: STRICT, selfCheck: selfCheck(0) }).level, 'weak');
  assert.deepEqual(weakReasons(10, 0), ['FEW_TRIGGERS', 'NO_SENSITIVITY']);
  assert.deepEqual(weakReasons(100, 0.01), []);
});

test('a watermark whose self-check measured nothing (older rows, PENDING ones) is judged by its trigger count', () => {
  for (const missing of [null, {}, { flipFractionUnderNoise: 'x', noiseStd: -1 }, { flipFractionUnderNoise: Number.NaN }, { flipFractionUnderNoise: 2 }]) {
    const sut = watermarkStrength({ triggerCount: 100, method: 'SENSITIVE', policy: STRICT, selfCheck: missing });
    assert.equal(sut.level, 'standard', JSON.stringify(missing));
    assert.equal(sut.flipFractionUnderNoise, null);
    assert.equal(sut.noiseStd, null);
  }
  assert.equal(watermarkStrength({ triggerCount: 12, method: 'SENSITIVE', policy: STRICT, selfCheck: null }).level, 'weak');
});

test('the detection floor is the fewest mismatches the policy calls tampered, consistent with expectedVerdict', () => {
  assert.equal(detectionFloor(STRICT, 100), 1);
  assert.equal(detectionFloor({ kind: 'tolerance', maxMismatchFraction: 0.1 }, 10), 2);
  assert.equal(detectionFloor({ kind: 'tolerance', maxMismatchFraction: 0.05 }, 100), 6);
  assert.equal(detectionFloor({ kind: 'tolerance', maxMismatchFraction: 0.02 }, 100), 3);
  for (let n = 10; n <= 300; n++) {
    // 0.29: f·n falls just below a whole number in floating point (28.999999999999996 at n = 100).
    for (const f of [0, 0.001, 0.01, 0.02, 0.05, 0.07, 0.1, 0.29, 1 / 3, 0.25, 0.3, 0.49]) {
      const policy = f === 0 ? STRICT : { kind: 'tolerance' as const, maxMismatchFraction: f };
      const sut = detectionFloor(policy, n);
      assert.equal(expectedVerdict(policy as never, n, n - sut), 'tampered', `n=${n} f=${f}: ${sut} mismatches are tampered`);
      assert.equal(expectedVerdict(policy as never, n, n - (sut - 1)), 'intact', `n=${n} f=${f}: ${sut - 1} mismatches are intact`);
    }
  }
});

test('the strength is a claim the token parser accepts as is', () => {
  const strength = watermarkStrength({ triggerCount: 40, method: 'JUNCTION', policy: { kind: 'tolerance', maxMismatchFraction: 0.05 }, selfCheck: selfCheck(0.5) });
  const claims = parseAttestationClaims({
    tenant: 't',
    model: { id: 'm', name: 'n', version: 'v', digest: 'd' },
    watermark: { id: 'w', scheme: 's', commitment: 'c', strength },
    verification: { id: 'v', mode: 'ARTIFACT', triggersQueried: 40, triggersMatched: 40, accTri: 1, policy: { kind: 'strict' }, verdict: 'intact' },
  });
  assert.deepEqual(claims.watermark.strength, strength);
});

test('after generation, zero sensitivity is refused unless allowWeak, with the measured figure and what to do', () => {
  const row = { triggerCount: 40, method: 'CE_ONLY', policy: STRICT, selfCheck: selfCheck(0), allowWeak: false };
  const sut = generatedWatermarkRefusal(row);
  assert.ok(sut);
  for (const expected of ['flipped 0%', '40 CE_ONLY triggers', 'std 0.001', 'more triggers', 'JUNCTION', 'allowWeak: true']) {
    assert.ok(sut.includes(expected), `"${sut}" says ${expected}`);
  }
  assert.equal(generatedWatermarkRefusal({ ...row, allowWeak: true }), null);
  assert.equal(generatedWatermarkRefusal({ ...row, selfCheck: selfCheck(0.03) }), null);
  assert.equal(generatedWatermarkRefusal({ ...row, selfCheck: null }), null, 'nothing measured: nothing to refuse');
});
