/**
 * Element-wise arithmetic and logic with numpy-style multidirectional broadcasting
 * (https://github.com/onnx/onnx/blob/main/docs/Broadcasting.md, which TF.js follows):
 * Add, Sub, Mul, Div, Pow, Sqrt, Neg, Abs, Exp, Log, Reciprocal, Equal, Less, Greater, Not, Where.
 *
 * Integer Div truncates in ONNX; TF.js's int32 div floors. They differ only for negative
 * operands, which shape arithmetic (the only integer arithmetic in a classifier) never has.
 */
import * as tf from '@tensorflow/tfjs';
import { need, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

const binary = (fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (inputs: OpInputs, ctx: OpContext) => fn(need(inputs, 0, ctx), need(inputs, 1, ctx));
const unary = (fn: (x: tf.Tensor) => tf.Tensor) => (inputs: OpInputs, ctx: OpContext) => fn(need(inputs, 0, ctx));

function pow(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  // x^2 (variance in decomposed LayerNorm) as a square: exact, with a gradient for negative x.
  if (b.size === 1 && b.dtype === 'float32' && (b.dataSync()[0] as number) === 2) return tf.square(a);
  return tf.pow(a, b.dtype === a.dtype ? b : tf.cast(b, a.dtype));
}

/**
 * A comparison with a zero gradient: tfjs-core registers no gradient for Greater (nor
 * LogicalNot), and tf.grad refuses any recorded op without one between the input and the output,
 * even when its result is boolean (a Where's condition).
 */
function comparison(fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const a = args[0] as tf.Tensor;
    const b = args[1] as tf.Tensor;
    return { value: fn(a, b), gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)] };
  }) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return binary(op);
}

export const elementwiseOps: OpFamily = {
  Add: binary((a, b) => tf.add(a, b)),
  Sub: binary((a, b) => tf.sub(a, b)),
  Mul: binary((a, b) => tf.mul(a, b)),
  Div: binary((a, b) => tf.div(a, b)),
  Pow: binary(pow),
  Sqrt: unary((x) => tf.sqrt(x)),
  Neg: unary((x) => tf.neg(x)),
  Abs: unary((x) => tf.abs(x)),
  Exp: unary((x) => tf.exp(x)),
  Log: unary((x) => tf.log(x)),
  Reciprocal: unary((x) => tf.reciprocal(x)),
  Equal: comparison((a, b) => tf.equal(a, b)),
  Less: comparison((a, b) => tf.less(a, b)),
  Greater: comparison((a, b) => tf.greater(a, b)),
  // 1 - x on int32: tfjs-core has no LogicalNot gradient, and tf.grad needs one on every recorded op.
  Not: unary((x) => tf.cast(tf.sub(1, tf.cast(x, 'int32')), 'bool')),
  Where: (inputs, ctx) => tf.where(need(inputs, 0, ctx), need(inputs, 1, ctx), need(inputs, 2, ctx)),
};
