import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundArrayTo, roundTo, type Numerics } from './number-formats.ts';

const EPS = 2 ** -20;

// Known roundings (round to nearest, ties to even); pi's float32 bits are 0x40490FDB, so both
// TF32 and BF16 drop less than half an ulp and give 0x40490000 = 3.140625 (as torch's
// torch.tensor(math.pi).bfloat16() does).
const CASES: readonly [Numerics, number, number][] = [
  ['TF32', Math.PI, 3.140625],
  ['BF16', Math.PI, 3.140625],
  ['FP16', Math.PI, 3.140625],
  // ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10 (10-bit mantissa)
  ['TF32', 1 + 2 ** -11, 1],
  ['TF32', 1 + 3 * 2 ** -11, 1 + 2 ** -9],
  ['TF32', 1 + 2 ** -11 + EPS, 1 + 2 ** -10],
  ['BF16', 1 + 2 ** -8, 1],
  ['BF16', 1 + 3 * 2 ** -8, 1 + 2 ** -6],
  ['BF16', -(1 + 2 ** -8 + EPS), -(1 + 2 ** -7)],
  ['FP16', 1 + 2 ** -11, 1],
  ['FP16', 65519, 65504],
  ['FP16', 65520, Infinity], // the tie between 65504 and 65536 goes to the even 65536: overflow
  ['FP16', 2 ** -24, 2 ** -24], // smallest subnormal
  ['FP16', 2 ** -25, 0], // tie with 0 goes to even 0
  ['FP16', 3 * 2 ** -26, 2 ** -24],
  ['FP16', 1e-8, 0],
  ['TF32', 3.4028234663852886e38, Infinity], // float32 max carries past the largest TF32 value
  ['BF16', Infinity, Infinity],
  ['FP32', 0.1, Math.fround(0.1)],
];

test('rounds known values to TF32, BF16 and FP16 exactly (ties to even, overflow, subnormals)', () => {
  for (const [format, value, expected] of CASES) {
    assert.equal(roundTo(format, value), expected, `${format}(${value})`);
  }
  assert.ok(Number.isNaN(roundTo('TF32', Number.NaN)));
  assert.equal(Object.is(roundTo('BF16', -0), -0), true);
});

test('rounding arrays agrees with rounding values, and keeps exactly the format\'s mantissa bits', () => {
  const values = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 13) - 6));
  for (const format of ['TF32', 'BF16', 'FP16'] as const) {
    const rounded = roundArrayTo(format, Float32Array.from(values));
    const bits = new Uint32Array(rounded.buffer);
    values.forEach((v, i) => assert.equal(rounded[i], roundTo(format, v)));
    if (format !== 'FP16') {
      const dropped = format === 'TF32' ? 13 : 16;
      for (const b of bits) assert.equal(b & ((1 << dropped) - 1), 0);
    }
    // Nearest: no other value of the format is closer (checked against both neighbours).
    values.forEach((v, i) => {
      const r = rounded[i]!;
      const ulp = format === 'BF16' ? 2 ** -7 : 2 ** -10;
      if (r === 0 || !Number.isFinite(r) || Math.abs(r) < 2 ** -14) return;
      const step = ulp * 2 ** Math.floor(Math.log2(Math.abs(r)));
      assert.ok(Math.abs(v - r) <= step / 2 + 1e-30, `${format}: |${v} - ${r}| > half an ulp`);
    });
  }
});

test('truncation (toward zero) for TF32 and BF16 drops the low mantissa bits, whatever they are', () => {
  const values = Float32Array.from([1 + 2 ** -11 + 2 ** -20, -(1 + 3 * 2 ** -11), 1 + 2 ** -8 + 2 ** -12, Infinity]);
  assert.deepEqual(Array.from(roundArrayTo('TF32', Float32Array.from(values), 'truncate')), [1, -(1 + 2 ** -10), 1 + 2 ** -8, Infinity]);
  assert.deepEqual(Array.from(roundArrayTo('BF16', Float32Array.from(values), 'truncate')), [1, -1, 1, Infinity]);
  assert.throws(() => roundArrayTo('FP16', Float32Array.from(values), 'truncate'));
});

test('FP16 over arrays equals the value-by-value rounding bit for bit, on every exponent and around every tie', () => {
  // Every sign and exponent, with mantissas at and beside the points where 13 dropped bits tie,
  // in the subnormal range too (ties at 2^-25 steps), and random ones.
  const patterns: number[] = [];
  const low = [0, 1, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x17ff, 0x1800, 0x2000, 0x3000, 0x7fffff, 0x400000, 0x7fe000, 0x7ff000, 0x7ff001];
  for (let sign = 0; sign < 2; sign++) {
    for (let exponent = 0; exponent < 256; exponent++) {
      for (let high = 0; high < 1024; high += 7) for (const l of low) patterns.push(((sign << 31) | (exponent << 23) | ((high << 13) & 0x7fffff) | l) >>> 0);
    }
  }
  for (let i = 0; i < 20000; i++) patterns.push((Math.random() * 2 ** 32) >>> 0);
  const values = new Float32Array(Uint32Array.from(patterns).buffer);
  const sut = roundArrayTo('FP16', Float32Array.from(values));
  values.forEach((v, i) => {
    const expected = roundTo('FP16', v);
    const got = sut[i]!;
    assert.ok(Number.isNaN(expected) ? Number.isNaN(got) : Object.is(got, expected), `0x${patterns[i]!.toString(16)} (${v}): ${got} against ${expected}`);
  });
});
