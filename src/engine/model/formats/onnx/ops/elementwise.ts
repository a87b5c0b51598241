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
  Equal: binary((a, b) => tf.equal(a, b)),
  Less: binary((a, b) => tf.less(a, b)),
  Greater: binary((a, b) => tf.greater(a, b)),
  Not: unary((x) => tf.logicalNot(x)),
  Where: (inputs, ctx) => tf.where(need(inputs, 0, ctx), need(inputs, 1, ctx), need(inputs, 2, ctx)),
};
