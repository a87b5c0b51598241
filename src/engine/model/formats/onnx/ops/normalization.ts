/**
 * BatchNormalization in inference mode (https://onnx.ai/onnx/operators/onnx__BatchNormalization.html:
 * y = scale * (x - mean) / sqrt(var + epsilon) + B, per channel on axis 1) and LayerNormalization
 * (https://onnx.ai/onnx/operators/onnx__LayerNormalization.html, opset 17: normalise over the
 * axes from `axis` to the last, then scale and shift).
 */
import * as tf from '@tensorflow/tfjs';
import { attrFloat, attrInt, axisOf, need, OpError, type OpContext, type OpFamily, type OpInputs } from './registry.ts';

function batchNormalization(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  if (attrInt(ctx, 'training_mode', 0) !== 0) throw new OpError(`BatchNormalization "${ctx.node.name}": training_mode = 1 is not an inference graph (export with model.eval())`);
  const x = need(inputs, 0, ctx);
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  // Parameters [C] reshaped to broadcast over axis 1 of [N, C, ...].
  const shape = [x.shape[1]!, ...Array(Math.max(0, x.rank - 2)).fill(1)];
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => tf.reshape(need(inputs, i, ctx), shape));
  const inv = tf.div(scale!, tf.sqrt(tf.add(variance!, eps)));
  return tf.add(tf.mul(tf.sub(x, mean!), inv), bias!);
}

function layerNormalization(inputs: OpInputs, ctx: OpContext): tf.Tensor {
  const x = need(inputs, 0, ctx);
  const scale = need(inputs, 1, ctx);
  const bias = inputs[2];
  const axis = axisOf(attrInt(ctx, 'axis', -1), x.rank, ctx);
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  const axes = [...Array(x.rank - axis).keys()].map((i) => i + axis);
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes, true);
  const y = tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), scale);
  return bias === undefined ? y : tf.add(y, bias);
}

export const normalizationOps: OpFamily = { BatchNormalization: batchNormalization, LayerNormalization: layerNormalization };
