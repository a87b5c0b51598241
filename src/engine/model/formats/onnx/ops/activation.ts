/**
 * Activations (https://onnx.ai/onnx/operators/): Relu, LeakyRelu, Clip (ReLU6 is Clip(0, 6)),
 * Sigmoid, HardSigmoid, HardSwish, Tanh, Softmax, LogSoftmax, Erf and Gelu.
 *
 * Erf: the wasm backend's Erf kernel and the cpu one use the Abramowitz-Stegun 7.1.26
 * approximation (|error| < 1.5e-7), but tfjs-core's Erf gradient needs kernels the wasm backend
 * lacks, so Erf is composed here from exp/mul/div (the same approximation) with the exact
 * derivative 2/sqrt(pi) * exp(-x^2) as its custom gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { attrFloat, attrInt, attrString, axisOf, hostFloats, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

const unary = (fn: (x: tf.Tensor) => tf.Tensor) => (inputs: OpInputs, ctx: OpContext) => fn(need(inputs, 0, ctx));

function clip(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const lo = inputs[1] === undefined ? -Infinity : hostFloats(inputs[1])[0]!;
  const hi = inputs[2] === undefined ? Infinity : hostFloats(inputs[2])[0]!;
  if (lo === -Infinity && hi === Infinity) return tf.clone(x);
  // A lower bound alone is a ClipByValue to +Infinity (same values, NaN included, and the same
  // gradient): wasm's Maximum against a scalar is a broadcasting loop, 14x slower on an activation.
  // An upper bound alone stays Minimum: wasm's clamp would turn NaN into -Infinity there.
  if (lo === -Infinity) return tf.minimum(x, hi);
  return tf.clipByValue(x, lo, hi);
}

function hardSigmoid(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const alpha = attrFloat(ctx, 'alpha', 0.2);
  const beta = attrFloat(ctx, 'beta', 0.5);
  return tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);
}

function hardSwish(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  // HardSwish(x) = x * max(0, min(1, x / 6 + 0.5)) (alpha = 1/6, beta = 0.5).
  const x = need(inputs, 0, ctx);
  return tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1));
}

/** Softmax over one axis (opset 13+ semantics); TF.js reduces the last axis, others are transposed there. */
function softmaxLike(fn: (x: tf.Tensor) => tf.Tensor) {
  return (inputs: OpInputs, ctx: OpContext): tf.Tensor => {
    const x = need(inputs, 0, ctx);
    const axis = axisOf(attrInt(ctx, 'axis', -1), x.rank, ctx);
    if (axis === x.rank - 1) return fn(x);
    const perm = [...Array(x.rank).keys()];
    perm[axis] = x.rank - 1;
    perm[x.rank - 1] = axis;
    return tf.transpose(fn(tf.transpose(x, perm)), perm);
  };
}

const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x), A&S 7.1.26, with the exact derivative as gradient. */
export const erf: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const ax = tf.abs(x);
  const t = tf.div(1, tf.add(tf.mul(ax, ERF_P), 1));
  let poly = tf.mul(t, ERF_A[4]!);
  for (let i = 3; i >= 0; i--) poly = tf.mul(tf.add(poly, ERF_A[i]!), t);
  const value = tf.mul(tf.sign(x), tf.sub(1, tf.mul(poly, tf.exp(tf.neg(tf.square(ax))))));
  save([x]);
  return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(saved[0]!))), TWO_OVER_SQRT_PI)) };
});

function gelu(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const approximate = attrString(ctx, 'approximate', 'none');
  if (approximate === 'tanh') {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  }
  if (approximate !== 'none') throw new OpError(`Gelu "${ctx.node.name}": approximate "${approximate}" is not valid`);
  return tf.mul(tf.mul(x, 0.5), tf.add(erf(tf.mul(x, Math.SQRT1_2)), 1));
}

export const activationOps: OpFamily = {
  Relu: unary((x) => tf.relu(x)),
  LeakyRelu: (inputs, ctx) => tf.leakyRelu(need(inputs, 0, ctx), attrFloat(ctx, 'alpha', 0.01)),
  Clip: clip,
  Sigmoid: unary((x) => tf.sigmoid(x)),
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  Tanh: unary((x) => tf.tanh(x)),
  Softmax: softmaxLike((x) => tf.softmax(x)),
  LogSoftmax: softmaxLike((x) => tf.logSoftmax(x)),
  Erf: unary((x) => erf(x)),
  Gelu: gelu,
};
