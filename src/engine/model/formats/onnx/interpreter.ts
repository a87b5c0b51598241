/**
 * Runs a validated ONNX graph on tfjs-core ops (ONNX IR.md, "Graphs": nodes in topological
 * order, values named once).
 *
 * At build time: initializers become tensors (through `mapInitializer`, which emulation and
 * `withWeights` use), and every node whose inputs are all constants is executed once and its
 * outputs kept (constant folding: Constant nodes, weight reshapes, the constant halves of shape
 * subgraphs). What remains depends on the input and runs on each call, inside tf.tidy, so TF.js
 * records it for tf.grad. Shapes are concrete at run time (TF.js is eager), so a symbolic batch
 * dimension needs nothing special.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-proto.ts';
import { CHANNELS_LAST_OPS } from './channels-last.ts';
import { foldBatchNorms } from './fold-batch-norm.ts';
import { toNCHW, toNHWC } from './ops/conv.ts';
import { OPS } from './ops/index.ts';
import { OpError, type OpContext } from './ops/registry.ts';
import { toHost } from './tensor-data.ts';

export interface InterpreterOptions {
  /** Each initializer (by name) as a tensor; returns the tensor to use (the default keeps it). */
  readonly mapInitializer?: (name: string, t: tf.Tensor) => tf.Tensor;
  /** Applied to the graph input and every float node output (FP16/BF16 emulation). */
  readonly roundValue?: (t: tf.Tensor) => tf.Tensor;
  /** Applied to both operands of every product op (TF32 emulation). */
  readonly roundProductOperand?: (t: tf.Tensor) => tf.Tensor;
  /** Fold inference batch norms into the convolutions before them (fold-batch-norm.ts); exact float32 only. */
  readonly foldBatchNorm?: boolean;
  /** Keep activations channels-last between ops that allow it (channels-last.ts); default true. */
  readonly channelsLast?: boolean;
}

const identity = (t: tf.Tensor): tf.Tensor => t;

export class OnnxInterpreter {
  private readonly constants = new Map<string, tf.Tensor>();
  /** Tensors ops made from constants once (OpContext.prepared), by constant name and key. */
  private readonly prepared = new Map<string, tf.Tensor>();
  private readonly plan: OnnxNode[] = [];
  private readonly roundValue: (t: tf.Tensor) => tf.Tensor;
  private readonly roundProductOperand: (t: tf.Tensor) => tf.Tensor;
  private readonly channelsLast: boolean;

  constructor(
    graph: OnnxGraph,
    private readonly opset: number,
    private readonly inputName: string,
    private readonly outputName: string,
    options: InterpreterOptions = {},
  ) {
    this.roundValue = options.roundValue ?? identity;
    this.roundProductOperand = options.roundProductOperand ?? identity;
    this.channelsLast = options.channelsLast ?? true;
    try {
      for (const init of graph.initializers) {
        const t = tensorOf(init);
        const mapped = options.mapInitializer === undefined ? t : options.mapInitializer(init.name, t);
        if (mapped !== t) t.dispose();
        this.constants.set(init.name, mapped);
      }
      let nodes = graph.nodes;
      if (options.foldBatchNorm === true) {
        const f = foldBatchNorms(graph.nodes, this.constants, [outputName]);
        nodes = f.nodes;
        for (const [name, t] of f.folded) this.constants.set(name, t);
      }
      for (const node of nodes) {
        const foldable = node.inputs.every((i) => i === '' || this.constants.has(i));
        if (!foldable) {
          this.plan.push(node);
          continue;
        }
        const outs = tf.tidy(() => this.execute(node, (name) => this.constants.get(name)));
        node.outputs.forEach((name, i) => {
          if (name !== '' && outs[i] !== undefined) this.constants.set(name, tf.keep(outs[i]!));
        });
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The op types run on each call, in order (tests: what folding removed). */
  plannedOps(): string[] {
    return this.plan.map((n) => n.opType);
  }

  /** Tensors of the initializers as used (after mapInitializer), by name. */
  initializer(name: string): tf.Tensor | undefined {
    return this.constants.get(name);
  }

  private execute(node: OnnxNode, lookup: (name: string) => tf.Tensor | undefined): tf.Tensor[] {
    const impl = OPS.get(node.opType);
    if (impl === undefined) throw new OpError(`unsupported op ${node.opType}`);
    const inputs = this.inputsOf(node, lookup);
    const result = impl(inputs, this.contextFor(node, inputs));
    const outs = Array.isArray(result) ? result : [result];
    return outs.map((t) => (t.dtype === 'float32' ? this.roundValue(t) : t));
  }

  private inputsOf(node: OnnxNode, lookup: (name: string) => tf.Tensor | undefined): (tf.Tensor | undefined)[] {
    return node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = lookup(name);
      if (v === undefined) throw new OpError(`${node.opType} "${node.name}": input "${name}" has no value`);
      return v;
    });
  }

  private contextFor(node: OnnxNode, inputs: readonly (tf.Tensor | undefined)[]): OpContext {
    const prepared = (i: number, key: string, make: (t: tf.Tensor) => tf.Tensor): tf.Tensor => {
      const t = inputs[i];
      if (t === undefined) throw new OpError(`${node.opType} "${node.name}" needs input ${i}`);
      const name = node.inputs[i]!;
      if (this.constants.get(name) !== t) return make(t);
      const id = `${name}\u0000${key}`;
      let kept = this.prepared.get(id);
      if (kept === undefined) {
        kept = tf.keep(tf.tidy(() => make(t)));
        if (kept === t) return t; // nothing made: the constant itself
        this.prepared.set(id, kept);
      }
      return kept;
    };
    return { node, opset: this.opset, roundProductOperand: this.roundProductOperand, prepared };
  }

  /**
   * Runs `node` channels-last when it can (channels-last.ts) and records its output in the map of
   * its layout; false when it cannot (the node then runs on NCHW values).
   */
  private executeChannelsLast(node: OnnxNode, values: Map<string, tf.Tensor>, nhwc: Map<string, tf.Tensor>, lookup: (name: string) => tf.Tensor | undefined): boolean {
    const op = CHANNELS_LAST_OPS.get(node.opType);
    if (op === undefined || node.outputs.length !== 1) return false;
    const asIs = this.inputsOf(node, (name) => nhwc.get(name) ?? values.get(name) ?? this.constants.get(name));
    const ctx = this.contextFor(node, asIs);
    if (!op.accepts(asIs, ctx, (i) => nhwc.has(node.inputs[i] ?? ''), (i) => asIs[i]?.rank ?? 0)) return false;
    // Channels-last inputs as they are, or transposed once (and kept); the others as NCHW values.
    const inputs = this.inputsOf(node, (name) => {
      const i = node.inputs.indexOf(name);
      if (!op.channelsLastInputs.includes(i)) return lookup(name);
      let cl = nhwc.get(name);
      if (cl === undefined) {
        const t = lookup(name);
        if (t === undefined) return undefined;
        cl = toNHWC(t);
        nhwc.set(name, cl);
      }
      return cl;
    });
    const { output, layout } = op.run(inputs, this.contextFor(node, inputs));
    (layout === 'NHWC' ? nhwc : values).set(node.outputs[0]!, output.dtype === 'float32' ? this.roundValue(output) : output);
    return true;
  }

  /** The graph's output for input `x` (NCHW or flat, batch first). Run inside tf.tidy / tf.grad. */
  run(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const values = new Map<string, tf.Tensor>();
      values.set(this.inputName, this.roundValue(x));
      // Values some op left channels-last (channels-last.ts), transposed to NCHW when asked for.
      const nhwc = new Map<string, tf.Tensor>();
      const lookup = (name: string): tf.Tensor | undefined => {
        const v = values.get(name);
        if (v !== undefined) return v;
        const cl = nhwc.get(name);
        if (cl === undefined) return this.constants.get(name);
        const nchw = toNCHW(cl);
        values.set(name, nchw);
        return nchw;
      };
      for (const node of this.plan) {
        if (this.channelsLast && this.executeChannelsLast(node, values, nhwc, lookup)) continue;
        const outs = this.execute(node, lookup);
        node.outputs.forEach((name, i) => {
          if (name === '') return;
          const t = outs[i];
          if (t === undefined) throw new OpError(`${node.opType} "${node.name}": output ${i} ("${name}") is not supported`);
          values.set(name, t);
        });
      }
      const out = lookup(this.outputName);
      if (out === undefined) throw new OpError(`the graph output "${this.outputName}" was not computed`);
      // A constant output must not be disposed with the program's constants.
      return values.has(this.outputName) ? out : tf.clone(out);
    });
  }

  dispose(): void {
    for (const t of this.constants.values()) t.dispose();
    this.constants.clear();
    for (const t of this.prepared.values()) t.dispose();
    this.prepared.clear();
  }
}

function tensorOf(t: OnnxTensor): tf.Tensor {
  const h = toHost(t);
  return tf.tensor(h.data, [...h.shape], h.dtype);
}
