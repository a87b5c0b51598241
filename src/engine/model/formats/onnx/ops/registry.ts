/**
 * The op registry: ONNX op type (default domain, https://onnx.ai/onnx/operators/) -> an
 * implementation over tfjs-core ops. Each family lives in its own file and exports a record of
 * ops; `index.ts` merges them. Implementations only use differentiable tfjs-core ops (or wrap a
 * custom gradient), so input gradients come from `tf.grad` through the whole graph.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxAttribute, OnnxNode } from '../onnx-proto.ts';
import { toHost } from '../tensor-data.ts';

/** Raised for a model the op implementations cannot run (bad attribute, unsupported variant). */
export class OpError extends Error {}

export interface OpContext {
  readonly node: OnnxNode;
  /** Opset version of the default domain the model imports. */
  readonly opset: number;
  /**
   * Rounds an operand of a product (Conv, ConvTranspose, Gemm, MatMul) as a serving stack's
   * tensor cores would (emulation, TF32); the identity otherwise.
   */
  readonly roundProductOperand: (t: tf.Tensor) => tf.Tensor;
  /**
   * `make(input i)`, made once and kept by the interpreter when input i is a constant (a weight:
   * the same for every call), else made now. For per-call work on weights, such as a filter's
   * layout change: a kept tensor also lets XNNPACK keep its packed copy (backend/filter-cache.ts).
   * `key` names what `make` makes (several ops may prepare the same weight differently).
   */
  readonly prepared: (i: number, key: string, make: (t: tf.Tensor) => tf.Tensor) => tf.Tensor;
}

/** Inputs in node order; an omitted optional input (empty name) is undefined. */
export type OpInputs = readonly (tf.Tensor | undefined)[];
export type OpImpl = (inputs: OpInputs, ctx: OpContext) => tf.Tensor | tf.Tensor[];
export type OpFamily = Readonly<Record<string, OpImpl>>;

function attr(ctx: OpContext, name: string): OnnxAttribute | undefined {
  return ctx.node.attributes.get(name);
}

export function attrInt(ctx: OpContext, name: string, dflt: number): number {
  return attr(ctx, name)?.i ?? dflt;
}
export function attrFloat(ctx: OpContext, name: string, dflt: number): number {
  return attr(ctx, name)?.f ?? dflt;
}
export function attrString(ctx: OpContext, name: string, dflt: string): string {
  return attr(ctx, name)?.s ?? dflt;
}
export function attrInts(ctx: OpContext, name: string): readonly number[] | undefined {
  const a = attr(ctx, name);
  return a === undefined ? undefined : a.ints;
}
export function attrTensor(ctx: OpContext, name: string): tf.Tensor | undefined {
  const t = attr(ctx, name)?.t;
  if (t === undefined) return undefined;
  const h = toHost(t);
  return tf.tensor(h.data, [...h.shape], h.dtype);
}

/** An input that must be present. */
export function need(inputs: OpInputs, i: number, ctx: OpContext): tf.Tensor {
  const t = inputs[i];
  if (t === undefined) throw new OpError(`${ctx.node.opType} "${ctx.node.name}" needs input ${i}`);
  return t;
}

/**
 * Values of a small integer tensor (shapes, axes, pads, indices), read on the host. Shape
 * arithmetic is tiny; TF.js tensors hold concrete shapes at run time, so dynamic batch needs no
 * symbolic shapes.
 */
export function hostInts(t: tf.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>, (v) => Math.trunc(Number(v)));
}

export function hostFloats(t: tf.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>, Number);
}

/** Normalises a possibly negative axis for a tensor of `rank` (ONNX accepts [-rank, rank-1]). */
export function axisOf(axis: number, rank: number, ctx: OpContext): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new OpError(`${ctx.node.opType} "${ctx.node.name}": axis ${axis} out of range for rank ${rank}`);
  return a;
}

/**
 * Most elements an op may create from values it reads (ConstantOfShape, Expand, Range, Pad): the
 * shapes come from the model, which is attacker-controlled, so they are checked before allocating.
 */
export const MAX_CREATED_ELEMENTS = 2 ** 26;

export function checkCreated(shape: readonly number[], ctx: OpContext): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new OpError(`${ctx.node.opType} "${ctx.node.name}": invalid dimension ${d}`);
    n *= d;
  }
  if (n > MAX_CREATED_ELEMENTS) throw new OpError(`${ctx.node.opType} "${ctx.node.name}" would create [${shape.join(', ')}], more than ${MAX_CREATED_ELEMENTS} elements`);
}
