/**
 * Shape and data-movement ops (https://onnx.ai/onnx/operators/): Identity, Dropout (inference:
 * identity), Flatten, Reshape, Transpose, Concat, Split, Slice, Gather, Squeeze, Unsqueeze,
 * Expand, Pad, Shape, Cast, Constant, ConstantOfShape, Range.
 *
 * Shape subgraphs (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as PyTorch exports any
 * `x.reshape(b, ...)`) run on int32 tensors whose values are read on the host where an op needs
 * them; whatever depends on constants only is folded once at load time (interpreter.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { hostDtypeOf } from '../tensor-data.ts';
import { dataTypeName } from '../onnx-proto.ts';
import { attrFloat, attrInt, attrInts, attrTensor, axisOf, checkCreated, hostInts, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

/** Axes from the opset-13+ input (or the older attribute), normalised. */
function axesOf(inputs: OpInputs, index: number, ctx: OpContext, rank: number): number[] | undefined {
  const t = inputs[index];
  const raw = t !== undefined ? hostInts(t) : attrInts(ctx, 'axes');
  return raw?.map((a) => axisOf(a, rank, ctx));
}

function reshape(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const target = hostInts(need(inputs, 1, ctx));
  const allowZero = attrInt(ctx, 'allowzero', 0) === 1;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  return tf.reshape(x, shape);
}

function flatten(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const axis = attrInt(ctx, 'axis', 1);
  const a = axis < 0 ? axis + x.rank : axis;
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  return tf.reshape(x, [outer, x.size / Math.max(outer, 1)]);
}

function transpose(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const perm = attrInts(ctx, 'perm');
  return tf.transpose(x, perm === undefined ? undefined : [...perm]);
}

function concat(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const xs = inputs.filter((t): t is tf.Tensor => t !== undefined);
  const axis = axisOf(attrInt(ctx, 'axis', 0), xs[0]!.rank, ctx);
  return tf.concat(xs.filter((t) => t.shape[axis] !== 0), axis);
}

function split(inputs: OpInputs, ctx: OpContext): tf.Tensor[] {
  const x = need(inputs, 0, ctx);
  const axis = axisOf(attrInt(ctx, 'axis', 0), x.rank, ctx);
  const sizes = inputs[1] !== undefined ? hostInts(inputs[1]) : attrInts(ctx, 'split');
  if (sizes !== undefined && sizes.length > 0) return tf.split(x, [...sizes], axis);
  const n = attrInt(ctx, 'num_outputs', ctx.node.outputs.length);
  const each = Math.ceil(x.shape[axis]! / n);
  const parts = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(each, x.shape[axis]! - i * each)));
  return tf.split(x, parts, axis);
}

function slice(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const starts = hostInts(need(inputs, 1, ctx));
  const ends = hostInts(need(inputs, 2, ctx));
  const axes = inputs[3] !== undefined ? hostInts(inputs[3]).map((a) => axisOf(a, x.rank, ctx)) : starts.map((_, i) => i);
  const steps = inputs[4] !== undefined ? hostInts(inputs[4]) : starts.map(() => 1);
  const begin = x.shape.map(() => 0);
  const end = [...x.shape] as number[];
  const stride = x.shape.map(() => 1);
  axes.forEach((axis, i) => {
    const dim = x.shape[axis]!;
    const step = steps[i]!;
    if (step === 0) throw new OpError(`Slice "${ctx.node.name}": step 0`);
    const clampPos = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    // Spec: starts/ends clamped to [0, dim] for positive steps, [-1, dim - 1] for negative ones.
    begin[axis] = step > 0 ? clampPos(starts[i]!, 0, dim) : clampPos(starts[i]!, -1, dim - 1);
    end[axis] = step > 0 ? clampPos(ends[i]!, 0, dim) : clampPos(ends[i]!, -1, dim - 1);
    stride[axis] = step;
  });
  if (stride.some((s) => s < 0)) throw new OpError(`Slice "${ctx.node.name}": negative steps are not supported`);
  // tf.slice, then every step-th element by reshaping: tfjs-core has no StridedSlice gradient.
  let y = tf.slice(x, begin, begin.map((b, i) => Math.max(0, end[i]! - b)));
  stride.forEach((step, axis) => {
    if (step === 1) return;
    const n = Math.ceil(y.shape[axis]! / step);
    const padded = tf.pad(y, y.shape.map((d, a): [number, number] => [0, a === axis ? n * step - d : 0]));
    const split = tf.reshape(padded, [...y.shape.slice(0, axis), n, step, ...y.shape.slice(axis + 1)]);
    const first = tf.slice(split, split.shape.map(() => 0), split.shape.map((d, a) => (a === axis + 1 ? 1 : d)));
    y = tf.reshape(first, [...y.shape.slice(0, axis), n, ...y.shape.slice(axis + 1)]);
  });
  return y;
}

function gather(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const indices = need(inputs, 1, ctx);
  const axis = axisOf(attrInt(ctx, 'axis', 0), x.rank, ctx);
  const dim = x.shape[axis]!;
  const idx = hostInts(indices).map((i) => (i < 0 ? i + dim : i));
  if (idx.some((i) => i < 0 || i >= dim)) throw new OpError(`Gather "${ctx.node.name}": index out of range for dimension ${dim}`);
  if (x.dtype === 'float32' && idx.length <= 64) {
    // A few slices: differentiable on every backend (tf.gather's gradient needs UnsortedSegmentSum,
    // which the wasm backend lacks). This is the ViT's class-token pick, x[:, 0].
    const parts = idx.map((i) => tf.slice(x, x.shape.map((_, a) => (a === axis ? i : 0)), x.shape.map((d, a) => (a === axis ? 1 : d))));
    const joined = parts.length === 1 ? parts[0]! : tf.concat(parts, axis);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return tf.reshape(joined, outShape);
  }
  return tf.gather(x, tf.tensor(idx, indices.shape, 'int32'), axis);
}

function unsqueeze(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const raw = inputs[1] !== undefined ? hostInts(inputs[1]) : (attrInts(ctx, 'axes') ?? []);
  const rank = x.rank + raw.length;
  const axes = raw.map((a) => axisOf(a, rank, ctx)).sort((a, b) => a - b);
  const shape = [...x.shape] as number[];
  for (const a of axes) shape.splice(a, 0, 1);
  return tf.reshape(x, shape);
}

function squeeze(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const axes = axesOf(inputs, 1, ctx, x.rank);
  if (axes === undefined) return tf.reshape(x, x.shape.filter((d) => d !== 1));
  for (const a of axes) if (x.shape[a] !== 1) throw new OpError(`Squeeze "${ctx.node.name}": axis ${a} has size ${x.shape[a]}`);
  return tf.reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

function expand(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const shape = hostInts(need(inputs, 1, ctx));
  const rank = Math.max(shape.length, x.rank);
  const xs = [...Array(rank - x.rank).fill(1), ...x.shape] as number[];
  const ss = [...Array(rank - shape.length).fill(1), ...shape];
  const out = xs.map((d, i) => (d === 1 ? ss[i]! : d));
  checkCreated(out, ctx);
  const reshaped = xs.length === x.rank ? x : tf.reshape(x, xs);
  return out.every((d, i) => d === xs[i]) ? tf.clone(reshaped) : tf.broadcastTo(reshaped, out);
}

function pad(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const mode = ctx.node.attributes.get('mode')?.s ?? 'constant';
  const pads = inputs[1] !== undefined ? hostInts(inputs[1]) : (attrInts(ctx, 'pads') ?? []);
  const value = inputs[2] !== undefined ? (inputs[2].dataSync()[0] as number) : attrFloat(ctx, 'value', 0);
  const axes = inputs[3] !== undefined ? hostInts(inputs[3]).map((a) => axisOf(a, x.rank, ctx)) : x.shape.map((_, i) => i);
  const paddings: [number, number][] = x.shape.map(() => [0, 0]);
  axes.forEach((a, i) => {
    paddings[a] = [pads[i]!, pads[i + axes.length]!];
  });
  if (paddings.some(([b, e]) => b < 0 || e < 0)) throw new OpError(`Pad "${ctx.node.name}": negative pads are not supported`);
  checkCreated(x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]), ctx);
  if (mode === 'constant') return tf.pad(x, paddings, value);
  if (mode === 'reflect') return reflectPad(x, paddings, ctx);
  throw new OpError(`Pad "${ctx.node.name}": mode "${mode}" is not supported (constant and reflect are)`);
}

/**
 * Reflect padding from slices, reverses and a concat (all with gradients; tfjs-core's MirrorPad
 * gradient gave wrong values for 2-D reflect padding on wasm, ops.test.ts).
 */
function reflectPad(x: tf.Tensor, paddings: readonly [number, number][], ctx: OpContext): tf.Tensor {
  let y = x;
  paddings.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const dim = y.shape[axis]!;
    if (before >= dim || after >= dim) throw new OpError(`Pad "${ctx.node.name}": reflect pads must be smaller than the dimension (${dim})`);
    const part = (start: number, size: number): tf.Tensor => tf.reverse(tf.slice(y, y.shape.map((_, a) => (a === axis ? start : 0)), y.shape.map((d, a) => (a === axis ? size : d))), axis);
    const pieces = [...(before > 0 ? [part(1, before)] : []), y, ...(after > 0 ? [part(dim - 1 - after, after)] : [])];
    y = tf.concat(pieces, axis);
  });
  return y;
}

function shape(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const r = x.rank;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(attrInt(ctx, 'start', 0));
  const end = clamp(ctx.node.attributes.get('end')?.i ?? r);
  return tf.tensor1d(x.shape.slice(start, end), 'int32');
}

function cast(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const to = attrInt(ctx, 'to', 0);
  const dtype = hostDtypeOf(to);
  if (dtype === undefined) throw new OpError(`Cast "${ctx.node.name}": to ${dataTypeName(to)} is not supported`);
  return dtype === x.dtype ? tf.clone(x) : tf.cast(x, dtype);
}

function constant(_inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const t = attrTensor(ctx, 'value');
  if (t !== undefined) return t;
  const a = ctx.node.attributes;
  if (a.get('value_float')?.f !== undefined) return tf.scalar(a.get('value_float')!.f!, 'float32');
  if (a.has('value_floats')) return tf.tensor1d([...a.get('value_floats')!.floats], 'float32');
  if (a.get('value_int')?.i !== undefined) return tf.scalar(a.get('value_int')!.i!, 'int32');
  if (a.has('value_ints')) return tf.tensor1d([...a.get('value_ints')!.ints], 'int32');
  throw new OpError(`Constant "${ctx.node.name}": no supported value attribute (value, value_float(s), value_int(s))`);
}

function constantOfShape(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const shape = hostInts(need(inputs, 0, ctx));
  checkCreated(shape, ctx);
  const value = attrTensor(ctx, 'value');
  const v = value === undefined ? 0 : (value.dataSync()[0] as number);
  const dtype = value?.dtype ?? 'float32';
  value?.dispose();
  return tf.fill(shape, v, dtype);
}

function range(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const [start, limit, delta] = [0, 1, 2].map((i) => need(inputs, i, ctx));
  const v = (t: tf.Tensor): number => t.dataSync()[0] as number;
  const count = Math.max(Math.ceil((v(limit!) - v(start!)) / v(delta!)), 0);
  checkCreated([Number.isFinite(count) ? count : Infinity], ctx);
  return tf.range(v(start!), v(limit!), v(delta!), start!.dtype === 'int32' ? 'int32' : 'float32');
}

/**
 * Dropout at inference is the identity (https://onnx.ai/onnx/operators/onnx__Dropout.html), unless
 * its training_mode input is true: then onnxruntime drops values at random and the model answers
 * differently each time, which no watermark can verify. Refused.
 */
function dropout(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const training = inputs[2];
  if (training !== undefined && hostInts(tf.cast(training, 'int32')).some((v) => v !== 0)) {
    throw new Error(`Dropout "${ctx.node.name}" runs in training mode (training_mode = true): export the model in eval mode (model.eval())`);
  }
  return tf.clone(need(inputs, 0, ctx));
}

export const shapeOps: OpFamily = {
  Identity: (inputs, ctx) => tf.clone(need(inputs, 0, ctx)),
  Dropout: dropout,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Expand: expand,
  Pad: pad,
  Shape: shape,
  Cast: cast,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
};
