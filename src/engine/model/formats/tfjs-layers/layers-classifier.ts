/**
 * A TF.js Layers model as a Classifier (the TF.js Layers and Keras formats both end here).
 */
import * as tf from '@tensorflow/tfjs';
import type { Numerics, Rounding } from '../../../serving/number-formats.ts';
import { binaryScores, outputMeaning } from '../../binary.ts';
import { checkClassifierShapes, invalidModel, type Classifier, type InputLayout, type ModelFormat, type OutputKind } from '../../classifier.ts';
import { inferencePlanOf } from './inference-plan.ts';
import { emulateLayersModel } from './layers-emulation.ts';
import { cloneModel } from './save-layers.ts';

export interface LayersClassifierOptions {
  readonly format: ModelFormat;
  /**
   * What the output means, when it cannot be read from the model as it is: a numerics emulation
   * takes the last layer's activation out of its config to apply it after rounding.
   */
  readonly outputKind?: OutputKind;
  /** Given together with outputKind (copies and emulations pass both of the original). */
  readonly binarySigmoid?: boolean;
  /**
   * Run predictions through an inference plan (inference-plan.ts: batch norm folded, no filter
   * gradients), which holds folded weights until the classifier is disposed. For models the
   * classifier owns (the readers, withWeights); off by default, for wrappers around in-process
   * models that are trained in place and dropped without dispose, and for emulated models, whose
   * layers' own calls do the rounding.
   */
  readonly inferencePlan?: boolean;
}

/** The last layer's activation as its config names it ('softmax', 'sigmoid', 'linear', ...). */
function lastActivation(model: tf.LayersModel): unknown {
  const last = model.layers[model.layers.length - 1];
  return (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
}

/** channels-first when a convolution or pooling layer says so (Keras `data_format`), else NHWC. */
function layoutOf(model: tf.LayersModel, inputShape: readonly number[]): InputLayout {
  if (inputShape.length !== 3) return 'FLAT';
  const channelsFirst = model.layers.some((l) => (l.getConfig() as { dataFormat?: unknown }).dataFormat === 'channelsFirst');
  return channelsFirst ? 'NCHW' : 'NHWC';
}

/** Wraps a Layers model (validating that it is a classifier); the classifier owns the model. */
export function layersClassifier(model: tf.LayersModel, options: LayersClassifierOptions): Classifier {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw invalidModel(`a classifier has exactly one input and one output (got ${model.inputs.length} inputs and ${model.outputs.length} outputs)`);
  }
  const outShape = model.outputs[0]!.shape;
  if (outShape.length !== 2) throw invalidModel(`classifier output must be rank 2 [batch, classes] (got [${outShape.join(',')}])`);
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const numClasses = checkClassifierShapes(inputShape, outShape[1]);
  const binary = outShape[1] === 1;
  const activation = lastActivation(model);
  const meaning = outputMeaning(activation === 'softmax' ? 'softmax' : activation === 'sigmoid' ? 'sigmoid' : 'other', outShape[1]!);
  const binarySigmoid = options.binarySigmoid ?? meaning.binarySigmoid;
  const outputKind: OutputKind = options.outputKind ?? meaning.outputKind;
  const kind = { format: options.format, outputKind, binarySigmoid, inferencePlan: options.inferencePlan === true };
  const plan = options.inferencePlan === true ? inferencePlanOf(model) : undefined;
  return {
    format: options.format,
    inputShape,
    layout: layoutOf(model, inputShape),
    numClasses,
    outputKind,
    ...(binary ? { binaryOutput: binarySigmoid ? ('SIGMOID' as const) : ('LOGIT' as const) } : {}),
    model,
    predict(x: tf.Tensor): tf.Tensor2D {
      const out = (plan === undefined ? model.apply(x, { training: false }) : plan.run(x)) as tf.Tensor2D;
      if (!binary) return out;
      const two = binaryScores(out, binarySigmoid);
      out.dispose();
      return two;
    },
    weights() {
      return model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
    },
    async withWeights(fn: (name: string, weight: tf.Tensor) => tf.Tensor): Promise<Classifier> {
      const copy = await cloneModel(model);
      const replacements = copy.weights.map((w) => {
        const t = w.read();
        return t.dtype === 'float32' ? fn(w.originalName, t) : tf.clone(t);
      });
      try {
        copy.setWeights(replacements);
      } finally {
        tf.dispose(replacements);
      }
      return layersClassifier(copy, kind);
    },
    emulate(numerics: Numerics, rounding: Rounding): Promise<Classifier> {
      return emulateLayersModel(model, kind, numerics, rounding);
    },
    dispose() {
      plan?.dispose();
      model.dispose();
    },
  };
}

/** Wraps an in-process LayersModel as a TF.js Layers classifier. */
export function classifierFromModel(model: tf.LayersModel): Classifier {
  return layersClassifier(model, { format: 'TFJS_LAYERS' });
}

/** A Classifier as is, a LayersModel wrapped. Not `'model' in x`: a tf.Sequential has a `model` property of its own. */
export function asClassifier(model: tf.LayersModel | Classifier): Classifier {
  return model instanceof tf.LayersModel ? classifierFromModel(model) : model;
}
