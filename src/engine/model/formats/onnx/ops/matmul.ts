/**
 * Products: Gemm (https://onnx.ai/onnx/operators/onnx__Gemm.html) and MatMul
 * (https://onnx.ai/onnx/operators/onnx__MatMul.html, numpy.matmul semantics).
 *
 * Both operands pass through `roundProductOperand` (the TF32 emulation rounds them, as tensor
 * cores do; the identity otherwise). A MatMul of a batch [..., K] by a 2-D weight [K, N] (every
 * Linear layer of a transformer) runs as one 2-D product on the flattened batch.
 */
import * as tf from '@tensorflow/tfjs';
import { attrFloat, attrInt, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

function gemm(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const a = ctx.roundProductOperand(need(inputs, 0, ctx));
  const b = ctx.roundProductOperand(need(inputs, 1, ctx));
  const c = inputs[2];
  if (a.rank !== 2 || b.rank !== 2) throw new OpError(`Gemm "${ctx.node.name}": operands must be 2-D, got ranks ${a.rank} and ${b.rank}`);
  const alpha = attrFloat(ctx, 'alpha', 1);
  const beta = attrFloat(ctx, 'beta', 1);
  let y: tf.Tensor = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, attrInt(ctx, 'transA', 0) === 1, attrInt(ctx, 'transB', 0) === 1);
  if (alpha !== 1) y = tf.mul(y, alpha);
  if (c !== undefined && beta !== 0) y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
  return y;
}

function matMul(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  let a = ctx.roundProductOperand(need(inputs, 0, ctx));
  let b = ctx.roundProductOperand(need(inputs, 1, ctx));
  // numpy: a 1-D operand gains a dimension that is removed from the result.
  const aVec = a.rank === 1;
  const bVec = b.rank === 1;
  if (aVec) a = tf.reshape(a, [1, a.shape[0]!]);
  if (bVec) b = tf.reshape(b, [b.shape[0]!, 1]);
  let y: tf.Tensor;
  if (b.rank === 2 && a.rank >= 2) {
    const lead = a.shape.slice(0, -1);
    const k = a.shape[a.rank - 1]!;
    y = tf.reshape(tf.matMul(tf.reshape(a, [-1, k]) as tf.Tensor2D, b as tf.Tensor2D), [...lead, b.shape[1]!]);
  } else {
    // Batched: broadcast the batch dimensions explicitly, then one 3-D product. tf.matMul's own
    // batch broadcasting gave NaN in its output for [1, 2, 3, 4] x [5, 1, 4, 2] (ops.test.ts).
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
    const full = (t: tf.Tensor): tf.Tensor3D => {
      const target = [...batch, ...t.shape.slice(-2)];
      const ranked = tf.reshape(t, [...Array(target.length - t.rank).fill(1), ...t.shape]);
      const wide = target.every((d, i) => d === ranked.shape[i]) ? ranked : tf.broadcastTo(ranked, target);
      return tf.reshape(wide, [-1, t.shape[t.rank - 2]!, t.shape[t.rank - 1]!]) as tf.Tensor3D;
    };
    const y3 = tf.matMul(full(a), full(b));
    y = tf.reshape(y3, [...batch, ...y3.shape.slice(-2)]);
  }
  if (aVec) y = tf.squeeze(y, [y.rank - 2]);
  if (bVec) y = tf.squeeze(y, [y.rank - 1]);
  return y;
}

export const matmulOps: OpFamily = { Gemm: gemm, MatMul: matMul };
