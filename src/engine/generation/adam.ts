/**
 * The generator's optimiser: Adam (Kingma and Ba 2015) with tfjs-core's formula and defaults.
 *
 * On wasm each variable is updated by one fused kernel (backend/heap-kernels.ts) instead of
 * tfjs's ~14 kernels per variable: 158 kernels and 4.4 ms per generation step become 11 kernels
 * and well under a millisecond (bench/RESULTS.md). Elsewhere it is `tf.train.adam` itself.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL } from '../backend/heap-kernels.ts';

export interface StepOptimizer {
  /** One update of every variable named in `grads` (the gradients are not disposed). */
  applyGradients(grads: tf.NamedTensorMap): void;
  dispose(): void;
}

export function createAdam(learningRate: number, beta1: number, beta2: number): StepOptimizer {
  if (tf.getBackend() !== 'wasm' || tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm') === undefined) {
    const adam = tf.train.adam(learningRate, beta1, beta2);
    return { applyGradients: (grads) => adam.applyGradients(grads as Record<string, tf.Variable>), dispose: () => adam.dispose() };
  }
  return new FusedAdam(learningRate, beta1, beta2);
}

class FusedAdam implements StepOptimizer {
  private readonly moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  private readonly epsilon = tf.backend().epsilon();
  /** beta^t as tfjs keeps it: a float32 product updated after each step (not Math.pow). */
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
  ) {
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  applyGradients(grads: tf.NamedTensorMap): void {
    const attrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: Math.fround(1 - this.accBeta1),
      correction2: Math.fround(1 - this.accBeta2),
    };
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    for (const [name, g] of Object.entries(grads)) {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw new Error(`no variable named ${name}`);
      const state = this.moments.get(name) ?? { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)) };
      const [x, m, v] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { x: variable, g, m: state.m, v: state.v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      variable.assign(x!);
      x!.dispose();
      state.m.dispose();
      state.v.dispose();
      // Kept: a caller's tf.tidy must not take the moments with it.
      this.moments.set(name, { m: tf.keep(m!), v: tf.keep(v!) });
    }
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
