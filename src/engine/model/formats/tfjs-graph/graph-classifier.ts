/**
 * A TF.js Graph model as a Classifier.
 */
import * as tf from '@tensorflow/tfjs';
import type { Numerics, Rounding } from '../../../serving/number-formats.ts';
import { binaryScores, outputMeaning } from '../../binary.ts';
import { checkClassifierShapes, imageLayout, invalidModel, type Classifier, type OutputKind } from '../../classifier.ts';
import { emulationNodes, roundsWeights, roundWeight } from './emulation.ts';
import { buildGraphModel, loadedWeights, runGraph, serialiseWeights, type GraphSource } from './graph-model.ts';
import { inputNodeName, type NodeDef } from './model-json.ts';

/** What the output means, read once from the original graph (emulated copies keep it). */
export interface GraphOutput {
  readonly numClasses: number;
  readonly outputKind: OutputKind;
  /** One output column: mapped to two classes by binaryScores. */
  readonly binary: boolean;
  readonly binarySigmoid: boolean;
}

/** The op that produces the output, looking through Identity nodes (the converter's `Identity` outputs). */
function producingOp(nodes: readonly NodeDef[], name: string): string | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let node = byName.get(name);
  for (let hops = 0; node !== undefined && (node.op === 'Identity' || node.op === 'IdentityN') && hops < nodes.length; hops++) {
    node = byName.get(inputNodeName(node.input?.[0] ?? ''));
  }
  return node?.op;
}

/** Runs the graph once on zeros to learn the output's shape: [batch, classes] is required. */
export function readOutput(model: tf.GraphModel, source: GraphSource, inputShape: readonly number[]): GraphOutput {
  const shape = tf.tidy(() => runGraph(model, source.io, tf.zeros([1, ...inputShape])).shape);
  if (shape.length !== 2 || shape[0] !== 1) {
    throw invalidModel(`classifier output must be rank 2 [batch, classes] (the graph's output "${source.io.outputNode}" has shape [${shape.join(',')}] for one input)`);
  }
  const numClasses = checkClassifierShapes(inputShape, shape[1]);
  const op = producingOp(source.nodes, source.io.outputNode);
  const binary = shape[1] === 1;
  return { numClasses, binary, ...outputMeaning(op === 'Softmax' ? 'softmax' : op === 'Sigmoid' ? 'sigmoid' : 'other', shape[1]!) };
}

/** Wraps a built GraphModel; the classifier owns it. */
export function graphClassifier(model: tf.GraphModel, source: GraphSource, inputShape: readonly number[], output: GraphOutput): Classifier {
  const copy = async (changed: Partial<GraphSource>): Promise<Classifier> => {
    const next = { ...source, ...changed };
    const built = await buildGraphModel(next);
    return graphClassifier(built, next, inputShape, output);
  };
  const replaced = (fn: (name: string, weight: tf.Tensor) => tf.Tensor) => {
    const weights = loadedWeights(model, source.specs).map(({ name, tensor }) => {
      if (tensor.dtype !== 'float32') return { name, tensor, owned: false };
      const r = fn(name, tensor);
      if (r.dtype !== 'float32' || r.shape.length !== tensor.shape.length || r.shape.some((d, i) => d !== tensor.shape[i])) {
        throw new Error(`withWeights: "${name}" must stay float32 [${tensor.shape.join(',')}] (got ${r.dtype} [${r.shape.join(',')}])`);
      }
      return { name, tensor: r, owned: r !== tensor };
    });
    try {
      return serialiseWeights(weights);
    } finally {
      for (const w of weights) if (w.owned) w.tensor.dispose();
    }
  };
  return {
    format: 'TFJS_GRAPH',
    inputShape: [...inputShape],
    layout: imageLayout(inputShape, 'NHWC'),
    numClasses: output.numClasses,
    outputKind: output.outputKind,
    ...(output.binary ? { binaryOutput: output.binarySigmoid ? ('SIGMOID' as const) : ('LOGIT' as const) } : {}),
    predict(x: tf.Tensor): tf.Tensor2D {
      const out = runGraph(model, source.io, x);
      if (!output.binary) return out as tf.Tensor2D;
      const two = binaryScores(out, output.binarySigmoid);
      out.dispose();
      return two;
    },
    weights() {
      return loadedWeights(model, source.specs);
    },
    withWeights(fn) {
      return copy(replaced(fn));
    },
    emulate(numerics: Numerics, rounding: Rounding) {
      const nodes = emulationNodes(source.nodes, numerics, rounding);
      const weights = roundsWeights(numerics) ? replaced((_, w) => roundWeight(numerics, rounding, w)) : {};
      return copy({ nodes, ...weights });
    },
    dispose() {
      model.dispose();
    },
  };
}
