/**
 * Batch-norm folding for inference: a `Conv` whose only consumer is an inference-mode
 * `BatchNormalization` becomes one `Conv` with scaled weights and a bias (Ioffe and Szegedy,
 * ICML 2015, section 3.2: at inference the normalisation is a fixed affine map per channel, so it
 * composes with the preceding linear map):
 *
 *     s = scale / sqrt(var + epsilon)     W'[m] = W[m] * s[m]     B' = (B - mean) * s + bias
 *
 * Why: PyTorch's exporters fold batch norm themselves in eval mode, but an export with
 * `training=TrainingMode.PRESERVE` or `do_constant_folding=False` keeps it, and then every batch
 * norm costs three passes over the activation forward and more backward.
 *
 * The folded weights are new constants under names of their own (`<bn output>::folded_W`, `::folded_B`);
 * the model's initializers are untouched, so `weights()` and the weights digest stay those of
 * the original model, and `withWeights` (which rebuilds the interpreter from re-weighted
 * initializers) refolds. Only for exact float32 numerics: an emulated FP16/BF16/TF32 model rounds
 * the convolution's output before the batch norm, which a folded model would not do.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxAttribute, OnnxNode } from './onnx-proto.ts';

const FOLDED = '::folded_';

/** Nodes with every foldable Conv + BatchNormalization pair made one Conv, and the constants that needs. */
export function foldBatchNorms(
  nodes: readonly OnnxNode[],
  constants: ReadonlyMap<string, tf.Tensor>,
  graphOutputs: readonly string[],
): { nodes: OnnxNode[]; folded: Map<string, tf.Tensor> } {
  const consumers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) if (i !== '') consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, OnnxNode>();
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n);
  const folded = new Map<string, tf.Tensor>();
  const replaced = new Map<OnnxNode, OnnxNode | null>(); // Conv -> folded Conv; BatchNormalization -> removed
  for (const bn of nodes) {
    if (bn.opType !== 'BatchNormalization' || (bn.attributes.get('training_mode')?.i ?? 0) !== 0 || bn.outputs.filter((o) => o !== '').length !== 1) continue;
    const conv = producer.get(bn.inputs[0]!);
    if (conv === undefined || conv.opType !== 'Conv' || replaced.has(conv)) continue;
    const convOut = conv.outputs[0]!;
    if (consumers.get(convOut) !== 1 || graphOutputs.includes(convOut)) continue;
    const [w, b] = [conv.inputs[1]!, conv.inputs[2] ?? ''].map((n) => (n === '' ? undefined : constants.get(n)));
    const params = bn.inputs.slice(1, 5).map((n) => constants.get(n));
    const biasMissing = (conv.inputs[2] ?? '') !== '' && b === undefined;
    if (w === undefined || w.rank !== 4 || biasMissing || params.length !== 4 || params.some((p) => p === undefined || p.rank !== 1 || p.size !== w.shape[0])) continue;
    const [scale, bias, mean, variance] = params as tf.Tensor[];
    const eps = bn.attributes.get('epsilon')?.f ?? 1e-5;
    const out = bn.outputs[0]!;
    const names = { W: `${out}${FOLDED}W`, B: `${out}${FOLDED}B` };
    tf.tidy(() => {
      const s = tf.div(scale!, tf.sqrt(tf.add(variance!, eps)));
      folded.set(names.W, tf.keep(tf.mul(w, tf.reshape(s, [-1, 1, 1, 1]))));
      folded.set(names.B, tf.keep(tf.add(tf.mul(tf.sub(b ?? tf.zerosLike(mean!), mean!), s), bias!)));
    });
    replaced.set(conv, { ...conv, name: `${conv.name}+${bn.name}`, inputs: [conv.inputs[0]!, names.W, names.B], outputs: [out], attributes: conv.attributes as ReadonlyMap<string, OnnxAttribute> });
    replaced.set(bn, null);
  }
  const out: OnnxNode[] = [];
  for (const n of nodes) {
    const r = replaced.get(n);
    if (r === undefined) out.push(n);
    else if (r !== null) out.push(r);
  }
  return { nodes: out, folded };
}
