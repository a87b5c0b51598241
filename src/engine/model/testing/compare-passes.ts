/**
 * Test helpers: one forward + input-gradient pass of a program (as the engine differentiates a
 * classifier), and closeness relative to the largest reference value. Used by the tests that
 * check an optimised program against the plain one (batch-norm folding, inference plans,
 * channels-last execution).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/** Outputs of `f` on `x()` and the input gradient of sum(log-softmax(f(x))[:, cls]). */
export function outputsAndInputGradient(f: (x: tf.Tensor) => tf.Tensor, x: () => tf.Tensor, cls: number): { y: Float32Array; g: Float32Array } {
  return tf.tidy(() => {
    const input = x();
    const y = f(input).dataSync() as Float32Array;
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(tf.logSoftmax(f(v) as tf.Tensor2D), [0, cls], [-1, 1])))(input).dataSync() as Float32Array;
    return { y, g };
  });
}

/** max |a - b| <= tol * max |b|. */
export function assertCloseToMax(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  const scale = Math.max(...Array.from(b, Math.abs));
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]!))));
  assert.ok(worst <= tol * scale, `${what}: max |difference| ${worst} against values up to ${scale}`);
}
