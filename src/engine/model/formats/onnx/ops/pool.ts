/**
 * Pooling, 2-D NCHW: MaxPool (https://onnx.ai/onnx/operators/onnx__MaxPool.html), AveragePool
 * (https://onnx.ai/onnx/operators/onnx__AveragePool.html), GlobalAveragePool, GlobalMaxPool.
 *
 * TF.js pools take 'valid' / 'same' only, so explicit and ceil_mode padding is applied first with
 * tf.pad: -inf for MaxPool (a padded cell never wins), 0 for AveragePool with the divisor
 * corrected when count_include_pad = 0 (the default: padded cells are not counted). ceil_mode
 * adds the extra bottom/right cells the spec's ceil output size needs, never counted.
 */
import * as tf from '@tensorflow/tfjs';
import { spatialPads, toNCHW, toNHWC } from './conv.ts';
import { attrInt, attrInts, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right] from the model. */
  pads: [number, number, number, number];
  /** Extra bottom/right cells for ceil_mode. */
  extra: [number, number];
}

/** The window over spatial dims `hw` ([height, width]). */
function window(hw: readonly number[], ctx: OpContext): Window {
  const k = attrInts(ctx, 'kernel_shape');
  if (k?.length !== 2) throw new OpError(`${ctx.node.opType} "${ctx.node.name}": kernel_shape must have 2 values`);
  const strides = attrInts(ctx, 'strides') ?? [1, 1];
  const dilations = attrInts(ctx, 'dilations') ?? [1, 1];
  const pads = spatialPads(ctx, hw, k, strides, dilations);
  const extra: [number, number] = [0, 0];
  if (attrInt(ctx, 'ceil_mode', 0) === 1) {
    for (let i = 0; i < 2; i++) {
      const padded = hw[i]! + pads[i]! + pads[i + 2]!;
      const span = (k[i]! - 1) * dilations[i]! + 1;
      let out = Math.ceil((padded - span) / strides[i]!) + 1;
      // The last window must start inside the input or the left padding (spec: ceil_mode output shape).
      if ((out - 1) * strides[i]! >= hw[i]! + pads[i]!) out--;
      extra[i] = Math.max(0, (out - 1) * strides[i]! + span - padded);
    }
  }
  return { kernel: [k[0]!, k[1]!], strides: [strides[0]!, strides[1]!], dilations: [dilations[0]!, dilations[1]!], pads, extra };
}

function padNHWC(x: tf.Tensor4D, w: Window, value: number): tf.Tensor4D {
  const [t, l, b, r] = w.pads;
  if (t + l + b + r + w.extra[0] + w.extra[1] === 0) return x;
  return tf.pad(x, [[0, 0], [t, b + w.extra[0]], [l, r + w.extra[1]], [0, 0]], value);
}

function rank4(x: tf.Tensor, ctx: OpContext): tf.Tensor4D {
  if (x.rank !== 4) throw new OpError(`${ctx.node.opType} "${ctx.node.name}": only 2-D pooling (rank-4 input) is supported, got rank ${x.rank}`);
  return x as tf.Tensor4D;
}

const maxPool = (inputs: OpInputs, ctx: OpContext): tf.Tensor => toNCHW(maxPoolChannelsLast(toNHWC(rank4(need(inputs, 0, ctx), ctx)), ctx));
const averagePool = (inputs: OpInputs, ctx: OpContext): tf.Tensor => toNCHW(averagePoolChannelsLast(toNHWC(rank4(need(inputs, 0, ctx), ctx)), ctx));

/** MaxPool on a channels-last (NHWC) input, giving NHWC (channels-last.ts runs it directly). */
export function maxPoolChannelsLast(xs: tf.Tensor4D, ctx: OpContext): tf.Tensor4D {
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '') throw new OpError(`MaxPool "${ctx.node.name}": the Indices output is not supported`);
  const w = window(xs.shape.slice(1, 3), ctx);
  if (w.dilations[0] !== 1 || w.dilations[1] !== 1) throw new OpError(`MaxPool "${ctx.node.name}": dilations are not supported`);
  return tf.maxPool(padNHWC(xs, w, -Infinity), w.kernel, w.strides, 'valid');
}

/** AveragePool on a channels-last (NHWC) input, giving NHWC. */
export function averagePoolChannelsLast(xs: tf.Tensor4D, ctx: OpContext): tf.Tensor4D {
  const w = window(xs.shape.slice(1, 3), ctx);
  if (w.dilations[0] !== 1 || w.dilations[1] !== 1) throw new OpError(`AveragePool "${ctx.node.name}": dilations are not supported`);
  const includePad = attrInt(ctx, 'count_include_pad', 0) === 1;
  const [t, l, b, r] = w.pads;
  const modelPads = t + l + b + r > 0;
  const anyPad = modelPads || w.extra[0] + w.extra[1] > 0;
  if (!anyPad) return tf.avgPool(xs, w.kernel, w.strides, 'valid');
  const sum = tf.mul(tf.avgPool(padNHWC(xs, w, 0), w.kernel, w.strides, 'valid'), w.kernel[0] * w.kernel[1]);
  // Divisor per output cell: cells inside the input (plus the model's pads when count_include_pad).
  const ones = tf.ones([1, xs.shape[1], xs.shape[2], 1]) as tf.Tensor4D;
  const counted = includePad ? tf.pad(ones, [[0, 0], [t, b], [l, r], [0, 0]], 1) : ones;
  const countWindow: Window = includePad ? { ...w, pads: [0, 0, 0, 0] } : w;
  const count = tf.mul(tf.avgPool(padNHWC(counted, countWindow, 0), w.kernel, w.strides, 'valid'), w.kernel[0] * w.kernel[1]);
  return tf.div(sum, count) as tf.Tensor4D;
}

function globalAveragePool(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  return tf.mean(x, [...Array(x.rank - 2).keys()].map((i) => i + 2), true);
}

function globalMaxPool(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  return tf.max(x, [...Array(x.rank - 2).keys()].map((i) => i + 2), true);
}

export const poolOps: OpFamily = { MaxPool: maxPool, AveragePool: averagePool, GlobalAveragePool: globalAveragePool, GlobalMaxPool: globalMaxPool };
