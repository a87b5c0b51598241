/**
 * A validated ONNX model as a Classifier (classifier.ts): predict runs the interpreter, weights()
 * are the graph's initializers by their ONNX names, withWeights and emulate build a new
 * interpreter over the same graph.
 *
 * Emulation (rules in serving/emulated-model.ts): TF32 rounds both operands of every product op
 * (Conv, Gemm, MatMul); FP16/BF16 round every float initializer, the input and every node's float
 * output (a model cast with `.half()`; accumulation stays float32). Rounding is straight-through
 * for gradients (the derivative of the rounding is taken as 1), so triggers can still be
 * optimised against an emulated copy.
 */
import * as tf from '@tensorflow/tfjs';
import { roundArrayTo, type Numerics, type Rounding } from '../../../serving/number-formats.ts';
import { binaryScores, outputMeaning } from '../../binary.ts';
import { checkClassifierShapes, invalidModel, type Classifier, type NamedWeight } from '../../classifier.ts';
import type { GraphSummary } from './graph.ts';
import { OnnxInterpreter, type InterpreterOptions } from './interpreter.ts';
import type { OnnxModel, OnnxNode } from './onnx-proto.ts';

/** Rounds float32 values to `numerics`; the gradient passes through unchanged. */
function straightThrough(numerics: Numerics, rounding: Rounding): (t: tf.Tensor) => tf.Tensor {
  const round = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const value = tf.tensor(roundArrayTo(numerics, Float32Array.from(x.dataSync() as Float32Array), rounding), x.shape, 'float32');
    return { value, gradFunc: (dy: tf.Tensor) => dy };
  }) as (x: tf.Tensor) => tf.Tensor;
  return (t) => (t.dtype === 'float32' ? round(t) : t);
}

function emulationOptions(numerics: Numerics, rounding: Rounding): Omit<InterpreterOptions, 'mapInitializer'> {
  if (numerics === 'FP32') return {};
  const round = straightThrough(numerics, rounding);
  if (numerics === 'TF32') return { roundProductOperand: round };
  return { roundValue: round };
}

interface Built {
  readonly model: OnnxModel;
  readonly summary: GraphSummary;
}

/**
 * Builds the classifier; `source` gives each initializer's starting tensor (by name) or undefined
 * for the file's own. Probes the output shape with one all-zero input.
 */
export function onnxClassifier(
  built: Built,
  options: { readonly source?: (name: string) => tf.Tensor | undefined; readonly numerics?: Numerics; readonly rounding?: Rounding; readonly transform?: (name: string, t: tf.Tensor) => tf.Tensor } = {},
): Classifier {
  const { model, summary } = built;
  const numerics = options.numerics ?? 'FP32';
  const rounding = options.rounding ?? 'nearest';
  const emulation = emulationOptions(numerics, rounding);
  const storesValues = numerics === 'FP16' || numerics === 'BF16';
  const mapInitializer = (name: string, fileTensor: tf.Tensor): tf.Tensor => {
    const start = options.source?.(name);
    let t = start === undefined ? fileTensor : tf.clone(start);
    if (t.dtype === 'float32' && options.transform !== undefined) {
      const next = options.transform(name, t);
      if (next !== t) {
        if (t !== fileTensor) t.dispose();
        t = next;
      }
    }
    if (t.dtype === 'float32' && storesValues) {
      const rounded = tf.tensor(roundArrayTo(numerics, Float32Array.from(t.dataSync() as Float32Array), rounding), t.shape, 'float32');
      if (t !== fileTensor) t.dispose();
      t = rounded;
    }
    return t;
  };
  let interpreter: OnnxInterpreter;
  try {
    // Batch norm folded into the convolutions for exact float32 only (fold-batch-norm.ts).
    interpreter = new OnnxInterpreter(model.graph, summary.opset, summary.input.name, summary.outputName, { ...emulation, mapInitializer, foldBatchNorm: numerics === 'FP32' });
  } catch (e) {
    throw invalidModel(`the ONNX model could not be loaded: ${(e as Error).message}`, {}, e);
  }
  let classes: number;
  try {
    // A batch of 2 (1 for a fixed-batch export): one row per example, or the graph hard-codes a batch.
    const batch = summary.fixedBatch ?? 2;
    const probe = tf.tidy(() => interpreter.run(tf.zeros([batch, ...summary.inputShape])));
    const shape = probe.shape;
    const dtype = probe.dtype;
    probe.dispose();
    if (dtype !== 'float32') throw invalidModel(`the model's output is ${dtype}; a classifier outputs float scores`);
    if (shape.length !== 2 || shape[0] !== batch) {
      throw invalidModel(`classifier output must be [batch, classes] (got [${shape.join(', ')}] for a batch of ${batch}); export with a dynamic batch`);
    }
    classes = shape[1]!;
  } catch (e) {
    interpreter.dispose();
    if (e instanceof Error && 'code' in e) throw e;
    throw invalidModel(`the ONNX model could not be run: ${(e as Error).message}`, {}, e);
  }
  let numClasses: number;
  try {
    numClasses = checkClassifierShapes(summary.inputShape, classes);
  } catch (e) {
    interpreter.dispose();
    throw e;
  }
  const binary = classes === 1;
  const lastOp = finalActivation(model.graph.nodes, summary.outputName);
  const { outputKind, binarySigmoid: sigmoid } = outputMeaning(lastOp === 'Softmax' ? 'softmax' : lastOp === 'Sigmoid' ? 'sigmoid' : 'other', classes);
  const names = model.graph.initializers.map((t) => t.name);

  const classifier: Classifier = {
    format: 'ONNX',
    inputShape: summary.inputShape,
    layout: summary.layout,
    numClasses,
    outputKind,
    ...(binary ? { binaryOutput: sigmoid ? ('SIGMOID' as const) : ('LOGIT' as const) } : {}),
    predict(x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        // A fixed-batch export runs one example at a time (its graph may hard-code the batch).
        const out = summary.fixedBatch === 1 && (x.shape[0] ?? 0) !== 1 ? tf.concat(tf.split(x, x.shape[0]!).map((row) => interpreter.run(row))) : interpreter.run(x);
        return binary ? binaryScores(out, sigmoid) : (out as tf.Tensor2D);
      });
    },
    weights(): readonly NamedWeight[] {
      return names.map((name) => ({ name, tensor: interpreter.initializer(name)! }));
    },
    async withWeights(fn) {
      return onnxClassifier(built, { source: (name) => interpreter.initializer(name), numerics, rounding, transform: fn });
    },
    async emulate(to: Numerics, how: Rounding) {
      return onnxClassifier(built, { source: (name) => interpreter.initializer(name), numerics: to, rounding: how });
    },
    dispose() {
      interpreter.dispose();
    },
  };
  return classifier;
}

/** Ops that pass values through unchanged in the last dimension's meaning. */
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Dropout']);

/**
 * The op that decides what the output means (Sigmoid, Softmax, ...), looking back through
 * reshapes and identities: `Sigmoid -> Reshape([-1, 1])` is a sigmoid output.
 */
function finalActivation(nodes: readonly OnnxNode[], outputName: string): string | undefined {
  let name = outputName;
  for (let hops = 0; hops < nodes.length; hops++) {
    const producer = nodes.find((n) => n.outputs.includes(name));
    if (producer === undefined || !PASS_THROUGH.has(producer.opType)) return producer?.opType;
    name = producer.inputs[0]!;
  }
  return undefined;
}
