/**
 * Ops the interpreter runs on channels-last (NHWC) values, so that a chain of convolutions does
 * not transpose every activation twice.
 *
 * Why: ONNX is channels-first (NCHW), TF.js's convolutions channels-last, so every `Conv` used
 * to transpose its input in and its output back (ops/conv.ts), and the gradient transposed both
 * again: on MobileNetV2 (224x224) and ResNet-18 about 8% of the forward + input-gradient pass
 * went to Transpose (bench/RESULTS.md, "Kernel speed at real sizes"). Here a value may live in
 * NHWC: a Conv (and MaxPool, AveragePool) leaves its output channels-last, element-wise ops keep the layout they are given,
 * global average pooling (`GlobalAveragePool`, `ReduceMean` over H and W) gives what NCHW would
 * give without a transpose (a [N, 1, 1, C] tensor is [N, C, 1, 1] in memory), and any other op
 * gets its input transposed back to NCHW once, when it asks for it (interpreter.ts).
 *
 * Each entry says, from which inputs are channels-last, whether it runs here, and runs the op
 * on those inputs (the others as they are), returning its output and that output's layout.
 */
import * as tf from '@tensorflow/tfjs';
import { OPS } from './ops/index.ts';
import { convChannelsLast } from './ops/conv.ts';
import { averagePoolChannelsLast, maxPoolChannelsLast } from './ops/pool.ts';
import { attrInt, attrInts, hostInts, type OpContext, type OpInputs } from './ops/registry.ts';

export interface ChannelsLastOp {
  /**
   * Whether the op runs channels-last, given its inputs as they are (each in its own layout),
   * which of them are channels-last (`isNHWC(i)`) and their ranks.
   */
  accepts(ins: OpInputs, ctx: OpContext, isNHWC: (i: number) => boolean, rank: (i: number) => number): boolean;
  /** Inputs that must be channels-last when the op runs here (they are transposed if they are not). */
  readonly channelsLastInputs: readonly number[];
  run(inputs: OpInputs, ctx: OpContext): { readonly output: tf.Tensor; readonly layout: 'NHWC' | 'NCHW' };
}

const nhwc = (output: tf.Tensor) => ({ output, layout: 'NHWC' as const });

/** An element-wise op whose every input is the data (or a constant scalar/min/max): any layout works. */
function elementwise(opType: string, dataInputs: number): ChannelsLastOp {
  const impl = OPS.get(opType)!;
  const inputs = [...Array(dataInputs).keys()];
  return {
    accepts: (_ins, _ctx, isNHWC) => inputs.every(isNHWC),
    channelsLastInputs: inputs,
    run: (ins, ctx) => nhwc(impl(ins, ctx) as tf.Tensor),
  };
}

/** Mean over H and W of a rank-4 value: from NHWC it is the NCHW result after a free reshape. */
function globalMean(axesOf: (ins: OpInputs, ctx: OpContext) => readonly number[] | undefined, keepOf: (ctx: OpContext) => boolean): ChannelsLastOp {
  const spatial = (ins: OpInputs, ctx: OpContext) => {
    const axes = axesOf(ins, ctx);
    return axes !== undefined && axes.length === 2 && axes.map((a) => (a < 0 ? a + 4 : a)).sort().join() === '2,3';
  };
  return {
    accepts: (ins, ctx, isNHWC, rank) => isNHWC(0) && rank(0) === 4 && (ctx.node.opType === 'GlobalAveragePool' || (attrInt(ctx, 'noop_with_empty_axes', 0) === 0 && spatial(ins, ctx))),
    channelsLastInputs: [0],
    run: (ins, ctx) => {
      const x = ins[0]!;
      const [n, , , c] = x.shape as [number, number, number, number];
      const mean = tf.mean(x, [1, 2]);
      return { output: keepOf(ctx) ? tf.reshape(mean, [n, c, 1, 1]) : mean, layout: 'NCHW' };
    },
  };
}

const ELEMENTWISE_UNARY = ['Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Erf', 'Gelu', 'Identity'];
const ELEMENTWISE_BINARY = ['Add', 'Sub', 'Mul', 'Div'];

export const CHANNELS_LAST_OPS: ReadonlyMap<string, ChannelsLastOp> = new Map<string, ChannelsLastOp>([
  ['Conv', { accepts: (_ins, _ctx, _isNHWC, rank) => rank(0) === 4 && rank(1) === 4, channelsLastInputs: [0], run: (ins, ctx) => nhwc(convChannelsLast(ins[0] as tf.Tensor4D, ins, ctx)) }],
  ...ELEMENTWISE_UNARY.map((op) => [op, elementwise(op, 1)] as const),
  // Both operands channels-last: the same shape (a broadcast over NCHW axes would not be).
  ...ELEMENTWISE_BINARY.map((op) => [op, { ...elementwise(op, 2), accepts: (_i: OpInputs, _c: OpContext, isNHWC: (i: number) => boolean, rank: (i: number) => number) => isNHWC(0) && isNHWC(1) && rank(0) === 4 && rank(1) === 4 }] as const),
  ['MaxPool', { accepts: (_ins, ctx, _isNHWC, rank) => rank(0) === 4 && ctx.node.outputs.length === 1, channelsLastInputs: [0], run: (ins, ctx) => nhwc(maxPoolChannelsLast(ins[0] as tf.Tensor4D, ctx)) }],
  ['AveragePool', { accepts: (_ins, _ctx, _isNHWC, rank) => rank(0) === 4, channelsLastInputs: [0], run: (ins, ctx) => nhwc(averagePoolChannelsLast(ins[0] as tf.Tensor4D, ctx)) }],
  ['GlobalAveragePool', globalMean(() => [2, 3], () => true)],
  // ReduceMean's axes: the attribute (opset < 18) or a constant input (read on the host, tiny).
  ['ReduceMean', globalMean((ins, ctx) => (ctx.node.inputs[1] ? undefined : attrInts(ctx, 'axes')) ?? (ins[1] !== undefined ? hostInts(ins[1]) : undefined), (ctx) => attrInt(ctx, 'keepdims', 1) === 1)],
]);
