/**
 * The reduced-precision number formats GPUs serve models in, as exact roundings of float32.
 *
 * - TF32 (NVIDIA Ampere and later, the default for cuDNN convolutions in PyTorch): float32's 8-bit
 *   exponent with a 10-bit mantissa. Tensor cores round both operands of a convolution or matrix
 *   product to TF32 and accumulate in float32.
 * - BF16 (bfloat16): float32's exponent with a 7-bit mantissa.
 * - FP16 (IEEE 754 binary16): 5-bit exponent (max 65504, subnormals below 2^-14), 10-bit mantissa.
 *
 * All round to nearest, ties to even (IEEE 754 roundTiesToEven, what `torch.Tensor.half()` and
 * `.bfloat16()` do). Infinities and NaN pass through; a TF32/BF16 rounding that carries past the
 * largest float32 gives infinity, as the hardware does. TF32 and BF16 can also be truncated
 * (rounded toward zero): some tensor-core paths convert float32 operands that way, so the
 * serving check tries both.
 */

/** How a reduced format is reached from float32. */
export type Rounding = 'nearest' | 'truncate';

/** How a deployment computes: float32 exactly, or one of the reduced formats above. */
export type Numerics = 'FP32' | 'TF32' | 'FP16' | 'BF16';
export const NUMERICS: readonly Numerics[] = ['FP32', 'TF32', 'FP16', 'BF16'];

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a float32 bit pattern to keep `23 - dropped` mantissa bits (ties to even). */
function roundMantissaBits(bits: number, dropped: number): number {
  if ((bits & 0x7f800000) === 0x7f800000) return bits; // inf / nan
  const half = 1 << (dropped - 1);
  const lsb = (bits >>> dropped) & 1;
  const mask = ~((1 << dropped) - 1);
  return ((bits + half - 1 + lsb) & mask) >>> 0;
}

/** float32 -> IEEE half bits (round to nearest even, overflow to infinity, subnormals kept). */
export function float32ToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // inf / nan
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++; // may carry into the exponent: still correct
  return sign | half;
}

/** IEEE half bits -> number. */
export function halfBitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds a float32 value to the nearest float16 value. */
export function roundToHalf(value: number): number {
  return halfBitsToFloat32(float32ToHalfBits(value));
}

/** Rounds a number (taken as float32) to the nearest value of `format`. */
export function roundTo(format: Numerics, value: number): number {
  switch (format) {
    case 'FP32':
      return Math.fround(value);
    case 'FP16':
      return roundToHalf(value);
    case 'TF32':
    case 'BF16':
      f32[0] = value;
      u32[0] = roundMantissaBits(u32[0]!, format === 'TF32' ? 13 : 16);
      return f32[0]!;
  }
}

/** Rounds every value of `values` to `format`, in place, and returns it. */
export function roundArrayTo(format: Numerics, values: Float32Array, rounding: Rounding = 'nearest'): Float32Array {
  if (format === 'FP32') return values;
  if (rounding === 'truncate') {
    if (format === 'FP16') throw new Error('FP16 is emulated with round to nearest only');
    const mask = format === 'TF32' ? ~0x1fff : ~0xffff;
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) if ((bits[i]! & 0x7f800000) !== 0x7f800000) bits[i] = (bits[i]! & mask) >>> 0;
    return values;
  }
  if (format === 'FP16') return roundArrayToHalf(values);
  const dropped = format === 'TF32' ? 13 : 16;
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) bits[i] = roundMantissaBits(bits[i]!, dropped);
  return values;
}

/** float32 exponent field of 2^-14, fp16's smallest normal value, and of 2^16, past its largest. */
const HALF_MIN_NORMAL_EXPONENT = 113;
const HALF_OVERFLOW_EXPONENT = 143;

/**
 * `roundToHalf` over an array, in place, with the same results bit for bit (tested) and without
 * the half-bits round trip, which took most of a serving check's time on 224x224 models (every
 * layer output of every trigger is rounded): in fp16's normal range fp16 keeps float32's top 10
 * mantissa bits, so it is TF32's mantissa rounding, and a carry past 65504 is infinity; below it
 * (subnormals, steps of 2^-24) float32 addition does the rounding: x + 0.75 lies in [0.5, 1),
 * where float32's step is 2^-24, and 0.75 is an even number of those steps, so ties go to even
 * as fp16's do.
 */
function roundArrayToHalf(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    const exponent = (b >>> 23) & 0xff;
    if (exponent >= HALF_MIN_NORMAL_EXPONENT) {
      if (exponent === 0xff) continue; // inf / nan
      const r = roundMantissaBits(b, 13);
      bits[i] = ((r >>> 23) & 0xff) >= HALF_OVERFLOW_EXPONENT ? ((b & 0x80000000) | 0x7f800000) >>> 0 : r;
    } else {
      const r = Math.fround(Math.fround(values[i]! + 0.75) - 0.75);
      values[i] = r === 0 && b >>> 31 === 1 ? -0 : r;
    }
  }
  return values;
}
