/**
 * Conv (https://onnx.ai/onnx/operators/onnx__Conv.html), 2-D, NCHW as ONNX defines it.
 *
 * TF.js convolutions (and our wasm gradient kernels, backend/kernels.ts) are NHWC, so the input is
 * transposed in and the output back; the filter [M, C/group, kH, kW] becomes [kH, kW, C/group, M].
 * group = 1 is conv2d; group = C with M = C * k is a depthwise convolution (MobileNet, EfficientNet);
 * other group counts run one conv2d per group and concatenate. Pads are the explicit
 * [top, left, bottom, right] of the spec (or auto_pad SAME_UPPER / SAME_LOWER / VALID).
 * Dilations: tfjs-core's Conv2D gradient refuses dilation rates > 1, so a dilated Conv runs as an
 * undilated one with the filter's taps spread out by zeros (the same sums), which also lifts
 * TF.js's refusal of strides and dilations > 1 together.
 */
import * as tf from '@tensorflow/tfjs';
import { attrInts, attrString, attrInt, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/** Spatial pads [top, left, bottom, right] from pads / auto_pad (Conv and pooling share the rule). */
export function spatialPads(ctx: OpContext, inHW: readonly number[], kernel: readonly number[], strides: readonly number[], dilations: readonly number[]): [number, number, number, number] {
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const p: number[] = [];
    for (let i = 0; i < 2; i++) {
      const out = Math.ceil(inHW[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - inHW[i]!);
      const small = Math.floor(total / 2);
      p.push(autoPad === 'SAME_UPPER' ? small : total - small, autoPad === 'SAME_UPPER' ? total - small : small);
    }
    return [p[0]!, p[2]!, p[1]!, p[3]!];
  }
  if (autoPad !== 'NOTSET') throw new OpError(`${ctx.node.opType}: auto_pad "${autoPad}" is not valid`);
  const pads = attrInts(ctx, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) throw new OpError(`${ctx.node.opType} "${ctx.node.name}": only 2-D (pads of length 4) is supported, got ${pads.length}`);
  return [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
}

export const toNHWC = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
export const toNCHW = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;

/** A [kh, kw, ci, co] filter with (dh - 1) zero rows between taps (and dw - 1 columns): a dilated filter as a plain one. */
export function dilateFilter(w: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return w;
  const [kh, kw, ci, co] = w.shape;
  const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, ci, co]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = tf.reshape(spread, [kh * dh, kw * dw, ci, co]);
  return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]) as tf.Tensor4D;
}

function conv(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  if (x.rank !== 4) throw new OpError(`Conv "${ctx.node.name}": only 2-D convolutions (rank-4 input and filter) are supported, got input rank ${x.rank}`);
  return toNCHW(convChannelsLast(toNHWC(x), inputs, ctx));
}

/**
 * The Conv on an input already channels-last (NHWC), giving NHWC: what `conv` runs between its
 * transposes, and what the interpreter runs directly when the input is channels-last already
 * (channels-last.ts). `inputs[0]` is ignored (the NCHW input), `xs` takes its place.
 */
export function convChannelsLast(xs: tf.Tensor4D, inputs: OpInputs, ctx: OpContext): tf.Tensor4D {
  const w = need(inputs, 1, ctx);
  const b = inputs[2];
  if (w.rank !== 4) throw new OpError(`Conv "${ctx.node.name}": only 2-D convolutions (rank-4 input and filter) are supported, got filter rank ${w.rank}`);
  const group = attrInt(ctx, 'group', 1);
  const [m, cPerGroup, kh, kw] = w.shape as [number, number, number, number];
  const c = xs.shape[3];
  if (c !== cPerGroup * group || m % group !== 0) {
    throw new OpError(`Conv "${ctx.node.name}": input has ${c} channels but the filter [${w.shape.join(', ')}] with group ${group} expects ${cPerGroup * group}`);
  }
  const strides = attrInts(ctx, 'strides') ?? [1, 1];
  const dilations = attrInts(ctx, 'dilations') ?? [1, 1];
  const [top, left, bottom, right] = spatialPads(ctx, xs.shape.slice(1, 3), [kh, kw], strides, dilations);
  const s: [number, number] = [strides[0]!, strides[1]!];
  const d: [number, number] = [1, 1];
  const pad: Explicit = [[0, 0], [top, bottom], [left, right], [0, 0]];
  const x = ctx.roundProductOperand(xs) as tf.Tensor4D;
  // [kh, kw, C/g, M], taps spread by the dilations: made once per weight.
  const ws = ctx.prepared(1, `conv filter ${dilations.join(' ')}`, (t) => dilateFilter(tf.transpose(ctx.roundProductOperand(t), [2, 3, 1, 0]) as tf.Tensor4D, dilations[0]!, dilations[1]!)) as tf.Tensor4D;
  let y: tf.Tensor4D;
  if (group === 1) {
    y = tf.conv2d(x, ws, s, pad, 'NHWC', d);
  } else if (cPerGroup === 1) {
    // Depthwise: filter [kh, kw, 1, C*k] -> [kh, kw, C, k]; ONNX output channel o reads input o / k.
    const k = m / group;
    y = tf.depthwiseConv2d(x, tf.reshape(ws, [ws.shape[0], ws.shape[1], group, k]) as tf.Tensor4D, s, pad, 'NHWC', d);
  } else {
    const xg = tf.split(x, group, 3);
    const wg = tf.split(ws, group, 3);
    y = tf.concat(xg.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, wg[i] as tf.Tensor4D, s, pad, 'NHWC', d)), 3) as tf.Tensor4D;
  }
  if (b !== undefined) y = tf.add(y, b) as tf.Tensor4D; // bias [M] broadcasts over NHWC's last axis
  return y;
}

export const convOps: OpFamily = { Conv: conv };
