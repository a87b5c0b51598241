/**
 * Reductions (https://onnx.ai/onnx/operators/onnx__ReduceMean.html and siblings): ReduceMean,
 * ReduceSum, ReduceMax, ReduceMin. Axes are an attribute up to opset 17 (ReduceSum: 12) and an
 * optional input after; keepdims defaults to 1; no axes reduces everything unless
 * noop_with_empty_axes = 1.
 */
import * as tf from '@tensorflow/tfjs';
import { attrInt, attrInts, axisOf, hostInts, need, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

function reduce(fn: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor) {
  return (inputs: OpInputs, ctx: OpContext): tf.Tensor => {
    const x = need(inputs, 0, ctx);
    const raw = inputs[1] !== undefined ? hostInts(inputs[1]) : attrInts(ctx, 'axes');
    const keep = attrInt(ctx, 'keepdims', 1) === 1;
    if (raw === undefined || raw.length === 0) {
      if (attrInt(ctx, 'noop_with_empty_axes', 0) === 1) return tf.clone(x);
      return fn(x, [...x.shape.keys()], keep);
    }
    return fn(x, raw.map((a) => axisOf(a, x.rank, ctx)), keep);
  };
}

export const reduceOps: OpFamily = {
  ReduceMean: reduce((x, a, k) => tf.mean(x, a, k)),
  ReduceSum: reduce((x, a, k) => tf.sum(x, a, k)),
  ReduceMax: reduce((x, a, k) => tf.max(x, a, k)),
  ReduceMin: reduce((x, a, k) => tf.min(x, a, k)),
};
