/**
 * Weight-space changes: magnitude pruning, Gaussian weight noise, float16 round trip. Each
 * returns a new model (the original is untouched) and is deterministic given its seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../model/classifier.ts';
import { EngineError } from '../errors.ts';
import { SeededStream } from '../util/prng.ts';
import { rewriteWeights } from './clone.ts';
import { roundToHalf } from '../serving/number-formats.ts';

export interface PruneOptions {
  /** Fraction in [0, 1] of each pruned tensor's weights set to zero (smallest |w| first). */
  readonly fraction: number;
  /** Also prune biases and other rank-1 weights (default false: kernels only, rank >= 2). */
  readonly includeBiases?: boolean;
}

/**
 * Magnitude pruning per layer: in every kernel (rank >= 2 weight), exactly round(fraction * n)
 * entries with the smallest absolute values are set to zero (ties broken by index).
 */
export async function magnitudePrune(model: tf.LayersModel, options: PruneOptions): Promise<tf.LayersModel> {
  const p = options.fraction;
  if (!(p >= 0 && p <= 1)) throw new EngineError('INVALID_ARGUMENT', 'prune fraction must be in [0, 1]');
  return rewriteWeights(model, (_name, values, shape) => {
    if (shape.length < 2 && options.includeBiases !== true) return values;
    const k = Math.round(p * values.length);
    if (k === 0) return values;
    const order = Array.from({ length: values.length }, (_, i) => i);
    order.sort((a, b) => Math.abs(values[a]!) - Math.abs(values[b]!) || a - b);
    for (let i = 0; i < k; i++) values[order[i]!] = 0;
    return values;
  });
}

export interface NoiseOptions {
  /** Standard deviation of the additive Gaussian noise. */
  readonly std: number;
  readonly seed: string;
  /** Also perturb biases (default true: every float weight). */
  readonly includeBiases?: boolean;
}

/** Adds independent N(0, std^2) noise to every float weight (seeded, deterministic). */
export async function gaussianNoise(model: tf.LayersModel, options: NoiseOptions): Promise<tf.LayersModel> {
  if (!(options.std >= 0 && Number.isFinite(options.std))) throw new EngineError('INVALID_ARGUMENT', 'noise std must be >= 0');
  return rewriteWeights(model, (name, values, shape) => {
    if (shape.length < 2 && options.includeBiases === false) return values;
    const rng = new SeededStream(options.seed, `attack/noise/${name}`);
    for (let i = 0; i < values.length; i++) values[i] = values[i]! + options.std * rng.nextNormal();
    return values;
  });
}

export { float32ToHalfBits, halfBitsToFloat32, roundToHalf } from '../serving/number-formats.ts';

/** Casts every float weight to float16 and back (what storing or serving a model in fp16 does). */
export async function float16RoundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  return rewriteWeights(model, (_name, values) => {
    for (let i = 0; i < values.length; i++) values[i] = roundToHalf(values[i]!);
    return values;
  });
}

/**
 * `gaussianNoise` on a classifier of any format (through `Classifier.withWeights`): the same
 * noise for the same seed and weight names as the Layers version.
 */
export function gaussianNoiseClassifier(classifier: Classifier, options: NoiseOptions): Promise<Classifier> {
  if (!(options.std >= 0 && Number.isFinite(options.std))) throw new EngineError('INVALID_ARGUMENT', 'noise std must be >= 0');
  return classifier.withWeights((name, weight) => {
    const values = Float32Array.from(weight.dataSync() as Float32Array);
    if (!(weight.shape.length < 2 && options.includeBiases === false)) {
      const rng = new SeededStream(options.seed, `attack/noise/${name}`);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! + options.std * rng.nextNormal();
    }
    return tf.tensor(values, weight.shape, 'float32');
  });
}
