/**
 * Inference-mode forward pass of a TF.js Layers model (TF.js Layers and Keras uploads), with batch
 * norm folded into the convolution before it and convolutions that do not differentiate their
 * weights.
 *
 * Why (bench/RESULTS.md, "Kernel speed at real sizes"):
 * - tfjs-layers runs every convolution through `tf.fused.conv2d`, whose gradient (tfjs-core 4.22,
 *   ops/fused/conv2d.ts, a `customGrad`) computes the filter's gradient along with the input's
 *   whenever the layer has no activation of its own, as every convolution before a batch norm has.
 *   The engine only ever differentiates a classifier with respect to its input, so on ResNet-18
 *   a quarter of the forward + input-gradient pass went into filter gradients nobody read.
 * - Batch norm at inference is a fixed affine map per channel (Ioffe and Szegedy, ICML 2015,
 *   section 3.2): after a convolution it folds into the convolution's weights and bias,
 *   W' = W * s, b' = (b - mean) * s + beta with s = gamma / sqrt(var + epsilon), saving a pass over
 *   the activation forward and two backward.
 *
 * The plan walks the model's graph from its output (each symbolic tensor's layer and node) once,
 * and runs: a Conv2D / DepthwiseConv2D (channels last) with its exclusive BatchNormalization
 * folded in, as plain `tf.conv2d` / `tf.depthwiseConv2d` under a gradient (tfjs-core then only
 * computes what is asked for) and as one fused kernel (bias and activation) otherwise; a ReLU with
 * a cap (ReLU6) as one ClipByValue (`cappedRelu`); every other layer as the layer itself
 * (`layer.apply(inputs, { training: false })`).
 *
 * Folded weights are computed at build time (so micro-batch.ts measures passes without them being
 * made) and again whenever a source weight changes (a variable's `assign` gives it a new data id),
 * so a model changed in place never runs stale weights. The model's own variables are untouched:
 * `weights()` and the weights digest are those of the original model.
 */
import * as tf from '@tensorflow/tfjs';

type Sym = tf.SymbolicTensor;

interface NodeInternals {
  readonly inputTensors: Sym[];
  readonly outputTensors: Sym[];
}

interface LayerInternals {
  readonly inboundNodes: NodeInternals[];
  readonly outboundNodes: unknown[];
  readonly activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

const internals = (layer: tf.layers.Layer) => layer as unknown as LayerInternals;

/** Activations tfjs-core's fused kernels apply themselves, by the Layers activation's class name. */
const FUSED_ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid']);

interface ConvStep {
  readonly kind: 'conv';
  readonly conv: tf.layers.Layer;
  readonly depthwise: boolean;
  readonly bn: tf.layers.Layer | undefined;
  readonly input: Sym;
  readonly output: Sym;
}

interface ApplyStep {
  readonly kind: 'apply';
  readonly layer: tf.layers.Layer;
  readonly inputs: Sym[];
  readonly outputs: Sym[];
}

type Step = ConvStep | ApplyStep;

interface Folded {
  readonly sources: readonly tf.DataId[];
  readonly kernel: tf.Tensor4D;
  readonly bias: tf.Tensor1D | undefined;
}

function weightNamed(layer: tf.layers.Layer, suffix: string): tf.Tensor | undefined {
  return layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`))?.read();
}

function convOf(layer: tf.layers.Layer): 'conv' | 'depthwise' | undefined {
  const cls = layer.getClassName();
  if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D') return undefined;
  const config = layer.getConfig() as { dataFormat?: string };
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') return undefined;
  if (internals(layer).inboundNodes.length !== 1) return undefined;
  return cls === 'Conv2D' ? 'conv' : 'depthwise';
}

/** A batch norm that may fold into `conv`: channels last, on the conv's output alone. */
function foldsInto(bn: tf.layers.Layer, conv: tf.layers.Layer): boolean {
  if (bn.getClassName() !== 'BatchNormalization' || internals(bn).inboundNodes.length !== 1) return false;
  const axis = (bn.getConfig() as { axis?: number | number[] }).axis;
  const a = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : undefined) : axis;
  if (a !== -1 && a !== 3) return false;
  const activation = internals(conv).activation?.getClassName() ?? 'linear';
  return activation === 'linear' && internals(conv).outboundNodes.length === 1;
}

const isRelu6 = (activation: LayerInternals['activation']) => activation?.getClassName() === 'relu6';

/**
 * The cap m when `layer` computes min(max(x, 0), m): a `ReLU` layer with a maximum (Keras
 * `ReLU(max_value=6)`, MobileNetV2's ReLU6) or an activation `relu6` (an `Activation` layer's or a
 * convolution's). Such a layer runs as one ClipByValue(0, m), with the same values.
 *
 * Why: tfjs-layers computes them as relu and then clipByValue, or as minimum(6, relu(x)). wasm's
 * Minimum against a scalar is a slow broadcasting loop (a TF.js MobileNetV2 with `relu6`
 * activations spent 105 of 170 ms of its forward pass in it), and relu's gradient is three more
 * kernels over the activation (Step, Cast, Multiply). The input gradient differs only where x is
 * exactly 0 (dy passes there, as for an ONNX `Clip(0, 6)`).
 */
function cappedRelu(layer: tf.layers.Layer): number | undefined {
  const cls = layer.getClassName();
  if (cls === 'ReLU') {
    const maxValue = (layer.getConfig() as { maxValue?: number | null }).maxValue;
    return typeof maxValue === 'number' && maxValue >= 0 ? maxValue : undefined;
  }
  return cls === 'Activation' && isRelu6(internals(layer).activation) ? 6 : undefined;
}

/** A layer's output in inference mode (ReLUs with a cap as one ClipByValue: `cappedRelu`). */
function applyLayer(layer: tf.layers.Layer, ins: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  const cap = ins.length === 1 ? cappedRelu(layer) : undefined;
  if (cap !== undefined) return tf.clipByValue(ins[0]!, 0, cap);
  return layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as tf.Tensor | tf.Tensor[];
}

export class InferencePlan {
  private readonly steps: Step[] = [];
  private readonly folded = new Map<ConvStep, Folded>();
  private readonly input: Sym;
  private readonly output: Sym;

  constructor(model: tf.LayersModel) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('one input and one output only');
    this.input = model.inputs[0]!;
    this.output = model.outputs[0]!;
    const outputs = new Set<Sym>(model.outputs);
    const seen = new Set<Sym>([this.input]);
    const visit = (sym: Sym): void => {
      if (seen.has(sym)) return;
      const layer = sym.sourceLayer as tf.layers.Layer;
      const node = internals(layer).inboundNodes[sym.nodeIndex];
      if (node === undefined) throw new Error(`layer ${layer.name} has no node ${sym.nodeIndex}`);
      const source = node.inputTensors[0];
      const producer = source?.sourceLayer as tf.layers.Layer | undefined;
      if (node.inputTensors.length === 1 && producer !== undefined && source !== this.input && !outputs.has(source!) && convOf(producer) !== undefined && foldsInto(layer, producer)) {
        const convInput = internals(producer).inboundNodes[0]!.inputTensors[0]!;
        visit(convInput);
        this.steps.push({ kind: 'conv', conv: producer, depthwise: convOf(producer) === 'depthwise', bn: layer, input: convInput, output: sym });
      } else if (convOf(layer) !== undefined && node.inputTensors.length === 1) {
        visit(node.inputTensors[0]!);
        this.steps.push({ kind: 'conv', conv: layer, depthwise: convOf(layer) === 'depthwise', bn: undefined, input: node.inputTensors[0]!, output: sym });
      } else {
        node.inputTensors.forEach(visit);
        this.steps.push({ kind: 'apply', layer, inputs: node.inputTensors, outputs: node.outputTensors });
      }
      for (const o of node.outputTensors) seen.add(o);
      seen.add(sym);
    };
    visit(this.output);
    for (const step of this.steps) if (step.kind === 'conv' && step.bn !== undefined) this.weightsOf(step);
  }

  /** Batch norms folded into convolutions. */
  get foldedBatchNorms(): number {
    return this.steps.filter((s) => s.kind === 'conv' && s.bn !== undefined).length;
  }

  /** The model's output for `x`, inference mode. */
  run(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const values = new Map<Sym, tf.Tensor>([[this.input, x]]);
      const valueOf = (s: Sym): tf.Tensor => {
        const v = values.get(s);
        if (v === undefined) throw new Error(`inference plan: no value for ${s.name}`);
        return v;
      };
      for (const step of this.steps) {
        if (step.kind === 'conv') {
          values.set(step.output, this.runConv(step, valueOf(step.input) as tf.Tensor4D));
          continue;
        }
        const ins = step.inputs.map(valueOf);
        const out = applyLayer(step.layer, ins);
        (Array.isArray(out) ? out : [out]).forEach((t, i) => values.set(step.outputs[i]!, t));
      }
      return valueOf(this.output);
    });
  }

  dispose(): void {
    for (const f of this.folded.values()) tf.dispose([f.kernel, ...(f.bias ? [f.bias] : [])]);
    this.folded.clear();
  }

  private runConv(step: ConvStep, x: tf.Tensor4D): tf.Tensor4D {
    const { kernel, bias } = this.weightsOf(step);
    const config = step.conv.getConfig() as { strides: [number, number]; padding: 'same' | 'valid'; dilationRate: number | [number, number] };
    const dilations = typeof config.dilationRate === 'number' ? ([config.dilationRate, config.dilationRate] as [number, number]) : config.dilationRate;
    const activation = internals(step.conv).activation;
    const activationName = activation?.getClassName() ?? 'linear';
    if (tf.engine().state.gradientDepth === 0 && FUSED_ACTIVATIONS.has(activationName)) {
      // No gradient: one fused kernel (convolution, bias, activation).
      const args = { x, filter: kernel, strides: config.strides, pad: config.padding, dataFormat: 'NHWC' as const, dilations, bias, activation: activationName as 'relu' };
      return step.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
    }
    let y = step.depthwise
      ? tf.depthwiseConv2d(x, kernel, config.strides, config.padding, 'NHWC', dilations)
      : tf.conv2d(x, kernel, config.strides, config.padding, 'NHWC', dilations);
    if (bias !== undefined) y = tf.add(y, bias);
    if (isRelu6(activation)) return tf.clipByValue(y, 0, 6);
    return activation === undefined ? y : (activation.apply(y) as tf.Tensor4D);
  }

  /** The convolution's weights, with its batch norm folded in (made again when a source changed). */
  private weightsOf(step: ConvStep): { kernel: tf.Tensor4D; bias: tf.Tensor1D | undefined } {
    const kernel = weightNamed(step.conv, step.depthwise ? 'depthwise_kernel' : 'kernel') as tf.Tensor4D;
    const bias = weightNamed(step.conv, 'bias') as tf.Tensor1D | undefined;
    if (step.bn === undefined) return { kernel, bias };
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => weightNamed(step.bn!, n));
    const sources = [kernel, bias, gamma, beta, mean, variance].map((t) => t?.dataId ?? null) as tf.DataId[];
    const known = this.folded.get(step);
    if (known !== undefined && known.sources.every((id, i) => id === sources[i])) return known;
    if (known !== undefined) tf.dispose([known.kernel, ...(known.bias ? [known.bias] : [])]);
    const epsilon = (step.bn.getConfig() as { epsilon: number }).epsilon;
    const made = tf.tidy(() => {
      const s = tf.div(gamma ?? tf.onesLike(mean!), tf.sqrt(tf.add(variance!, epsilon)));
      // Output channel o of a depthwise kernel [kh, kw, C, k] is c * k + j.
      const perOutput = step.depthwise ? tf.reshape(s, [kernel.shape[2], kernel.shape[3]]) : s;
      const b = tf.mul(tf.sub(bias ?? tf.zerosLike(mean!), mean!), s);
      // Kept: a refold happens inside a pass's tidy, and the plan owns these until the next one.
      return { kernel: tf.keep(tf.mul(kernel, perOutput) as tf.Tensor4D), bias: tf.keep((beta === undefined ? b : tf.add(b, beta)) as tf.Tensor1D) };
    });
    const folded: Folded = { sources, ...made };
    this.folded.set(step, folded);
    return folded;
  }
}

/** The plan of `model`, or undefined when its graph cannot be walked (the model then runs as it is). */
export function inferencePlanOf(model: tf.LayersModel): InferencePlan | undefined {
  try {
    return new InferencePlan(model);
  } catch {
    return undefined;
  }
}
