/**
 * Serving numerics (TF32, FP16, BF16) emulated on a Graph model, with the rules of
 * serving/emulated-model.ts, by rewriting the GraphDef before it is built.
 *
 * The graph executor has no per-node hook, but it runs ops registered with `tf.registerOp`
 * (tfjs-converter custom_op/register.ts) ahead of its own, so the rewrite inserts nodes of our
 * own rounding op (`Fragmark<numerics><rounding>Round`, float32 in, float32 rounded out; other
 * dtypes pass through):
 * - TF32: before both operands of every product op (Conv2D, DepthwiseConv2dNative, MatMul,
 *   BatchMatMul(V2), _FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul); bias, activations
 *   and accumulation stay float32, as cuDNN/cuBLAS with allow_tf32.
 * - FP16/BF16: every float32 weight is rounded once, and a rounding node follows the input and
 *   every other node, as a model cast with `.half()` stores every tensor. Fused ops are first
 *   split into product, BiasAdd and activation (when the activation is a plain op), so the
 *   product's output is stored before the bias is added and the activation applied, as PyTorch
 *   computes. Outputs other than a node's first (`node:1`) are not rounded; a fused op whose
 *   activation needs extra inputs (Prelu) or a fused batch norm stays fused and is rounded once.
 * The rounding ops are not differentiable (they read values back): emulated classifiers are for
 * checking labels, not for gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { roundArrayTo, type Numerics, type Rounding } from '../../../serving/number-formats.ts';
import { RESERVED_OP_PREFIX } from './graph-checks.ts';
import type { AttrValue, NodeDef } from './model-json.ts';

const PRODUCT_OPS = new Set(['Conv2D', 'DepthwiseConv2dNative', 'MatMul', 'BatchMatMul', 'BatchMatMulV2', '_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul']);
const PLAIN_ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'LeakyRelu']);
const UNFUSED: Readonly<Record<string, string>> = { _FusedConv2D: 'Conv2D', FusedDepthwiseConv2dNative: 'DepthwiseConv2dNative', _FusedMatMul: 'MatMul' };
/** The attributes each unfused product op keeps (graph.proto attr names). */
const PRODUCT_ATTRS = ['T', 'strides', 'padding', 'explicit_paddings', 'data_format', 'dilations', 'use_cudnn_on_gpu', 'transpose_a', 'transpose_b'];

export function roundOpName(numerics: Numerics, rounding: Rounding): string {
  return `${RESERVED_OP_PREFIX}${numerics}${rounding === 'nearest' ? 'Nearest' : 'Truncate'}Round`;
}

const registered = new Set<string>();

/** Registers the rounding op for the graph executor (once per numerics and rounding). */
export function registerRoundOp(numerics: Numerics, rounding: Rounding): string {
  const name = roundOpName(numerics, rounding);
  if (registered.has(name)) return name;
  tf.registerOp(name, (node) => {
    const x = node.inputs[0]!;
    if (x.dtype !== 'float32') return tf.clone(x);
    return tf.tensor(roundArrayTo(numerics, Float32Array.from(x.dataSync() as Float32Array), rounding), x.shape, 'float32');
  });
  registered.add(name);
  return name;
}

function decodeStrings(attr: AttrValue | undefined): string[] {
  const s = (attr as { list?: { s?: string[] } } | undefined)?.list?.s ?? [];
  return s.map((v) => Buffer.from(v, 'base64').toString('utf8'));
}

/** A fused product op as product + BiasAdd + activation nodes; the last keeps the node's name. */
function unfuse(node: NodeDef): NodeDef[] {
  const plain = UNFUSED[node.op];
  if (plain === undefined) return [node];
  const fusedOps = decodeStrings(node.attr?.['fused_ops']);
  const [first, activation, ...rest] = fusedOps;
  const inputs = node.input ?? [];
  if (first !== 'BiasAdd' || rest.length > 0 || (activation !== undefined && !PLAIN_ACTIVATIONS.has(activation)) || inputs.length !== 3) return [node];
  const attrs = Object.fromEntries(PRODUCT_ATTRS.filter((k) => node.attr?.[k] !== undefined).map((k) => [k, node.attr![k]!]));
  const t: Record<string, AttrValue> = node.attr?.['T'] === undefined ? {} : { T: node.attr['T'] };
  const product: NodeDef = { name: `${node.name}/fragmark_product`, op: plain, input: [inputs[0]!, inputs[1]!], attr: attrs };
  const biasName = activation === undefined ? node.name : `${node.name}/fragmark_bias`;
  const bias: NodeDef = { name: biasName, op: 'BiasAdd', input: [product.name, inputs[2]!], attr: { ...t, data_format: { s: Buffer.from('NHWC').toString('base64') } } };
  if (activation === undefined) return [product, bias];
  const alpha = node.attr?.['leakyrelu_alpha'];
  const actAttrs: Record<string, AttrValue> = { ...t };
  if (activation === 'LeakyRelu' && alpha !== undefined) actAttrs['alpha'] = alpha;
  const act: NodeDef = { name: node.name, op: activation, input: [bias.name], attr: actAttrs };
  return [product, bias, act];
}

/** The rewritten node list for `numerics` (FP32: unchanged). */
export function emulationNodes(nodes: readonly NodeDef[], numerics: Numerics, rounding: Rounding): NodeDef[] {
  if (numerics === 'FP32') return [...nodes];
  const op = registerRoundOp(numerics, rounding);
  if (numerics === 'TF32') {
    const out: NodeDef[] = [];
    for (const node of nodes) {
      if (!PRODUCT_OPS.has(node.op)) {
        out.push(node);
        continue;
      }
      const inputs = [...(node.input ?? [])];
      for (const k of [0, 1]) {
        if (inputs[k] === undefined || inputs[k]!.startsWith('^')) continue;
        const name = `${node.name}/fragmark_operand_${k}`;
        out.push({ name, op, input: [inputs[k]!] });
        inputs[k] = name;
      }
      out.push({ ...node, input: inputs });
    }
    return out;
  }
  // FP16 / BF16: unfuse, then store every node's output (weights are rounded in their data).
  const split = nodes.flatMap(unfuse);
  const out: NodeDef[] = [];
  const renamedInputs = new Map<string, string>();
  const stored = new Set<string>();
  for (const node of split) {
    if (node.op === 'Const' || node.op === 'NoOp') {
      out.push(node);
    } else if (node.op.startsWith('Placeholder')) {
      // The input keeps its name (the signature names it); its consumers read the rounded copy.
      const rounded = `${node.name}/fragmark_stored`;
      out.push(node, { name: rounded, op, input: [node.name] });
      renamedInputs.set(node.name, rounded);
    } else {
      // The rounded copy takes the node's name, so consumers and the signature read it unchanged.
      const raw = `${node.name}/fragmark_raw`;
      out.push({ ...node, name: raw }, { name: node.name, op, input: [raw] });
      stored.add(node.name);
    }
  }
  return out.map((node) => {
    if (node.op === op) return node;
    const input = node.input?.map((i) => {
      const bare = i.endsWith(':0') ? i.slice(0, -2) : i;
      const placeholder = renamedInputs.get(bare);
      if (placeholder !== undefined) return placeholder;
      // Later outputs (node:1, ...) are read unrounded from the original node.
      const m = /^(.*):(\d+)$/.exec(i);
      return m !== null && m[2] !== '0' && stored.has(m[1]!) ? `${m[1]}/fragmark_raw:${m[2]}` : i;
    });
    return input === undefined ? node : { ...node, input };
  });
}

/** Which float32 weights the emulation rounds once, in their data: all of them for FP16/BF16. */
export function roundsWeights(numerics: Numerics): boolean {
  return numerics === 'FP16' || numerics === 'BF16';
}

export function roundWeight(numerics: Numerics, rounding: Rounding, t: tf.Tensor): tf.Tensor {
  return tf.tensor(roundArrayTo(numerics, Float32Array.from(t.dataSync() as Float32Array), rounding), t.shape, 'float32');
}
