/**
 * Where the warm start's candidate triggers come from (issue 19 item 2).
 *
 * - GENERATOR: the paper's way (Yin, Yin, Zhang, ICIP 2022): a randomly initialised generator G maps
 *   fixed latents z_i to inputs, and its weights are optimised (generator.ts).
 * - DIRECT: the inputs themselves are the variables, started from seeded noise in the domain and
 *   optimised with the same loss and optimiser. No network to run or differentiate besides the
 *   classifier; the variables are the N inputs (N x H x W x C numbers).
 *
 * - NONE (JUNCTION only): no warm-start optimisation; the junction projection starts from the same
 *   kind of seeded noise (or from the owner's reference inputs) and moves each trigger to its key
 *   label itself.
 *
 * GENERATOR and DIRECT feed the same loop (generate.ts): loss, stopping rule, refinement and
 * checks are the same.
 * At 224x224 the generator built for the input (a dense layer to 56x56x32, two 4x4 transposed
 * convolutions) has 10M parameters and runs at full resolution on every step, while the
 * triggers it makes are 15M numbers for 100 of them: it costs more than it buys. `defaultWarmStart`
 * picks per input size from the measurements in bench/RESULTS.md ("Warm start and watermark times
 * at real sizes").
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.ts';
import { latentsFromSeed } from '../key.ts';
import { SeededStream } from '../util/prng.ts';
import { ConvGenerator, type GeneratorConfig } from './generator.ts';
import type { LossKind } from './loss.ts';

export type WarmStartKind = 'GENERATOR' | 'DIRECT' | 'NONE';
export const WARM_START_KINDS: readonly WarmStartKind[] = ['GENERATOR', 'DIRECT', 'NONE'];

/**
 * Inputs of more values than this do not use the generator. 32x32x3 (CIFAR) and 28x28x1 (MNIST)
 * stay with it, whose triggers the detection benchmarks were measured on; at 224x224 it had moved
 * no trigger to its key label after 12 steps (bench/scale.ts).
 */
export const GENERATOR_MAX_INPUT_VALUES = 32 * 32 * 3;

/**
 * Above GENERATOR_MAX_INPUT_VALUES (and for flat inputs): NONE with the JUNCTION objective,
 * DIRECT with the others (they need a warm start to reach their key labels at all).
 *
 * Why not DIRECT for JUNCTION: its cross-entropy push builds the key label's logit on the
 * classifier's most amplifying units, and the triggers keep that after the junction ties them.
 * Random weight changes then raise the key's logit on average (a second-order effect: 3.5 standard
 * deviations of the logits' change under kernel noise of std 1e-4 on MobileNetV2 224), so the key
 * often wins instead of losing: weight noise of std 1e-4 flipped 33% of such triggers there and
 * none on ResNet-50. Started from noise, the junction raises the key label itself, the shift
 * changes sign, and the same noise flipped 100%, in no more time (bench/RESULTS.md, "Weight noise
 * at 224x224: the warm start's push").
 */
export function defaultWarmStart(inputShape: readonly number[], objective: LossKind = 'JUNCTION'): WarmStartKind {
  const values = inputShape.reduce((a, b) => a * b, 1);
  if (inputShape.length === 3 && values <= GENERATOR_MAX_INPUT_VALUES) return 'GENERATOR';
  return objective === 'JUNCTION' ? 'NONE' : 'DIRECT';
}

/** The candidate triggers of the warm start and the variables the optimiser moves to improve them. */
export interface TriggerSource {
  readonly variables: tf.Variable[];
  readonly parameterCount: number;
  /** The current candidates, [N, ...inputShape], unbounded (generate.ts squashes them into the domain). */
  produce(): tf.Tensor;
  /** What the trigger set's metadata records about it (JSON values only). */
  describe(): Record<string, unknown>;
  dispose(): void;
}

/** The paper's generator over the key's fixed latents. */
export function generatorSource(inputShape: readonly number[], config: GeneratorConfig, latentSeed: string, count: number): TriggerSource {
  const generator = new ConvGenerator(inputShape, config, latentSeed);
  const z = tf.tensor2d(latentsFromSeed(latentSeed, count, config.latentDim), [count, config.latentDim]);
  return {
    variables: generator.variables,
    parameterCount: generator.parameterCount,
    produce: () => generator.apply(z),
    describe: () => ({
      width: generator.config.width,
      upsamplings: generator.config.upsamplings,
      batchNorm: generator.config.batchNorm,
      parameters: generator.parameterCount,
    }),
    dispose: () => {
      generator.dispose();
      z.dispose();
    },
  };
}

/**
 * Standard deviation of the starting noise. In a bounded domain the loop maps v to
 * min + (max - min) * sigmoid(v): N(0, 1) starts every value in the middle half of the range,
 * where the sigmoid still passes gradient.
 */
export const DIRECT_INIT_STD = 1;

let uniqueSuffix = 0;

/** N(0, DIRECT_INIT_STD) starting values for `count` inputs, seeded by the key's latent seed (the caller maps them into the domain). */
export function noiseStarts(inputShape: readonly number[], latentSeed: string, count: number): Float32Array {
  const per = inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(per) || per < 1) throw new EngineError('INVALID_MODEL', `cannot start triggers of shape [${inputShape.join(',')}]`);
  const noise = new SeededStream(latentSeed, 'direct-inputs').normals(count * per);
  for (let i = 0; i < noise.length; i++) noise[i]! *= DIRECT_INIT_STD;
  return noise;
}

/** The N inputs as variables, from seeded noise (the key's latent seed: reproducible from the key). */
export function directSource(inputShape: readonly number[], latentSeed: string, count: number): TriggerSource {
  const init = tf.tensor(noiseStarts(inputShape, latentSeed, count), [count, ...inputShape]);
  let inputs: tf.Variable;
  try {
    inputs = tf.variable(init, true, `fragmark_direct_${uniqueSuffix++}`);
  } finally {
    init.dispose();
  }
  const variables = [inputs];
  return {
    variables,
    parameterCount: inputs.size,
    // A copy: the caller disposes what it gets, the variable lives on.
    produce: () => tf.clone(inputs),
    describe: () => ({ initStd: DIRECT_INIT_STD, parameters: inputs.size }),
    dispose: () => {
      inputs.dispose();
      variables.length = 0;
    },
  };
}
