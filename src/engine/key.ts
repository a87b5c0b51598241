/**
 * The secret key of a watermark: N target labels plus the seed of the fixed latent vectors.
 *
 * Yin, Yin, Zhang (ICIP 2022, arXiv 2208.07585) draw a key vector k of N labels (N = 100, ten
 * per class for 10 classes) and map N fixed latents z_i through the generator. We draw k from a
 * CSPRNG (node:crypto) because whoever knows the triggers and labels can fine-tune while
 * preserving them (method.md, "Known risks"): the key must be unpredictable. Labels are balanced
 * (floor(N/K) per class, the remainder spread over randomly chosen distinct classes) and then
 * shuffled with a CSPRNG Fisher-Yates, so the position of a trigger says nothing about its label.
 *
 * The latents are standard normal, derived deterministically from a random seed that is stored
 * with the trigger set (see util/prng.ts), so a generation run can be reproduced from the set.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { EngineError } from './errors.ts';
import { SeededStream } from './util/prng.ts';

export const DEFAULT_TRIGGER_COUNT = 100;
/** DCGAN-style latent size (the paper's progressive-GAN generator uses 512: see PAPER_GENERATOR). */
export const DEFAULT_LATENT_DIM = 100;

export interface SecretKey {
  /** Target label of trigger i. */
  readonly labels: Int32Array;
  readonly numClasses: number;
  /** Hex seed of the latents (32 random bytes). Secret, like the labels. */
  readonly latentSeed: string;
  readonly latentDim: number;
}

export interface KeyOptions {
  readonly numClasses: number;
  readonly count?: number;
  readonly latentDim?: number;
}

function cryptoShuffle(a: Int32Array | number[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** N labels over K classes, balanced (counts differ by at most one), CSPRNG-shuffled. */
export function balancedLabels(numClasses: number, count: number): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 65535) {
    throw new EngineError('INVALID_ARGUMENT', `numClasses must be an integer in [2, 65535] (got ${numClasses})`);
  }
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    throw new EngineError('INVALID_ARGUMENT', `trigger count must be an integer in [1, 1000000] (got ${count})`);
  }
  const base = Math.floor(count / numClasses);
  const extraClasses = Array.from({ length: numClasses }, (_, c) => c);
  cryptoShuffle(extraClasses);
  const remainder = count - base * numClasses;
  const labels = new Int32Array(count);
  let i = 0;
  for (let c = 0; c < numClasses; c++) for (let j = 0; j < base; j++) labels[i++] = c;
  for (let r = 0; r < remainder; r++) labels[i++] = extraClasses[r]!;
  cryptoShuffle(labels);
  return labels;
}

export function generateKey(options: KeyOptions): SecretKey {
  const count = options.count ?? DEFAULT_TRIGGER_COUNT;
  const latentDim = options.latentDim ?? DEFAULT_LATENT_DIM;
  if (!Number.isInteger(latentDim) || latentDim < 1 || latentDim > 65536) {
    throw new EngineError('INVALID_ARGUMENT', `latentDim must be an integer in [1, 65536] (got ${latentDim})`);
  }
  return {
    labels: balancedLabels(options.numClasses, count),
    numClasses: options.numClasses,
    latentSeed: randomBytes(32).toString('hex'),
    latentDim,
  };
}

/** The N x dim standard-normal latents for a seed (row-major [count, dim]). */
export function latentsFromSeed(seed: string, count: number, dim: number): Float32Array {
  return new SeededStream(seed, 'latents').normals(count * dim);
}
