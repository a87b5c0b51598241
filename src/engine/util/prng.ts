/**
 * Deterministic pseudo-random stream from a seed: SHA-256 in counter mode.
 *
 * Used where reproducibility matters and secrecy comes from the seed itself: the fixed latent
 * vectors z_i of a trigger set (regenerated from the seed stored with it), the generator's
 * initial weights, and the reference model's training shuffle. Secret draws (key labels, seeds)
 * use node:crypto directly (see key.ts).
 */
import { createHash } from 'node:crypto';

export class SeededStream {
  private readonly seed: Buffer;
  private counter = 0;
  private block: Buffer = Buffer.alloc(0);
  private pos = 0;
  private spareNormal: number | undefined;

  constructor(seed: string | Uint8Array, domain = '') {
    this.seed = createHash('sha256').update('fragmark/prng/v1\0').update(domain).update('\0').update(seed).digest();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.pos + 4 > this.block.length) {
      const c = Buffer.alloc(8);
      c.writeBigUInt64LE(BigInt(this.counter++));
      this.block = createHash('sha256').update(this.seed).update(c).digest();
      this.pos = 0;
    }
    const v = this.block.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Uniform in (0, 1) with 53 bits of precision (never exactly 0). */
  nextUniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /** Standard normal (Box-Muller). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    const u1 = this.nextUniform();
    const u2 = this.nextUniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n) without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`nextInt(${n})`);
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }

  normals(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.nextNormal();
    return out;
  }

  uniforms(count: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * this.nextUniform();
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}
