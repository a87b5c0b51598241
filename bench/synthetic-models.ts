/**
 * The model sizes companies ship, built in TF.js with synthetic weights (issue 19: "fixtures for
 * these sizes are made with random or synthetic weights by committed scripts; the speed does not
 * depend on the weights"). No download, no Python.
 *
 * - ResNet-18 for CIFAR shapes (He et al. 2016 with a 3x3 stem and no max pool, as in the usual
 *   CIFAR variant): 32x32x3, 10 classes, 11.2M parameters.
 * - MobileNetV2 (Sandler et al. 2018, width 1.0, Table 2): 224x224x3, 1000 classes, 3.5M
 *   parameters; inverted residuals, depthwise 3x3, ReLU6, linear bottlenecks.
 * - ResNet-50 (He et al. 2016, Table 1, bottleneck blocks 3-4-6-3): 224x224x3, 1000 classes,
 *   25.6M parameters.
 *
 * Weights: He-normal convolutions and dense layer from a fixed seed; then every batch norm's
 * moving statistics are *calibrated* on a batch of inputs (set to that batch's per-channel mean
 * and variance, layer by layer in order), so activations stay at unit scale through the depth as
 * in a trained network, instead of growing block after block; the dense bias centres the logits.
 * Without it a random ResNet-50 saturates its softmax and most classes are unreachable.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../src/engine/index.ts';
import { layersClassifier } from '../src/engine/model/formats/index.ts';

export type SyntheticModelName = 'resnet18-cifar' | 'mobilenetv2-224' | 'resnet50-224';
export const SYNTHETIC_MODELS: readonly SyntheticModelName[] = ['resnet18-cifar', 'mobilenetv2-224', 'resnet50-224'];

type Sym = tf.SymbolicTensor;

function builder(seed: number) {
  let next = seed;
  const init = () => tf.initializers.heNormal({ seed: next++ });
  const conv = (x: Sym, filters: number, kernel: number, strides: number): Sym =>
    tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as Sym;
  const depthwise = (x: Sym, strides: number): Sym =>
    tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: init() }).apply(x) as Sym;
  const bn = (x: Sym): Sym => tf.layers.batchNormalization({ epsilon: 1e-5 }).apply(x) as Sym;
  const act = (x: Sym, activation: 'relu' | 'relu6'): Sym => tf.layers.activation({ activation }).apply(x) as Sym;
  const add = (a: Sym, b: Sym): Sym => tf.layers.add().apply([a, b]) as Sym;
  const head = (x: Sym, classes: number): Sym => {
    const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
    return tf.layers.dense({ units: classes, kernelInitializer: init() }).apply(pooled) as Sym;
  };
  return { conv, depthwise, bn, act, add, head };
}

function resnet18Cifar(): tf.LayersModel {
  const { conv, bn, act, add, head } = builder(18);
  const input = tf.input({ shape: [32, 32, 3] });
  let x = act(bn(conv(input, 64, 3, 1)), 'relu');
  let channels = 64;
  for (const [stage, filters] of [64, 128, 256, 512].entries()) {
    for (let block = 0; block < 2; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const y = bn(conv(act(bn(conv(x, filters, 3, strides)), 'relu'), filters, 3, 1));
      const shortcut = strides !== 1 || channels !== filters ? bn(conv(x, filters, 1, strides)) : x;
      x = act(add(y, shortcut), 'relu');
      channels = filters;
    }
  }
  return tf.model({ inputs: input, outputs: head(x, 10) });
}

function resnet50(): tf.LayersModel {
  const { conv, bn, act, add, head } = builder(50);
  const input = tf.input({ shape: [224, 224, 3] });
  let x = act(bn(conv(input, 64, 7, 2)), 'relu');
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as Sym;
  let channels = 64;
  for (const [stage, [width, blocks]] of ([[64, 3], [128, 4], [256, 6], [512, 3]] as const).entries()) {
    for (let block = 0; block < blocks; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      let y = act(bn(conv(x, width, 1, 1)), 'relu');
      y = act(bn(conv(y, width, 3, strides)), 'relu');
      y = bn(conv(y, width * 4, 1, 1));
      const shortcut = strides !== 1 || channels !== width * 4 ? bn(conv(x, width * 4, 1, strides)) : x;
      x = act(add(y, shortcut), 'relu');
      channels = width * 4;
    }
  }
  return tf.model({ inputs: input, outputs: head(x, 1000) });
}

function mobileNetV2(): tf.LayersModel {
  const { conv, depthwise, bn, act, add, head } = builder(2);
  const input = tf.input({ shape: [224, 224, 3] });
  let x = act(bn(conv(input, 32, 3, 2)), 'relu6');
  let channels = 32;
  // [expansion t, output channels c, repeats n, first stride s] (Sandler et al. 2018, Table 2).
  const settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]] as const;
  for (const [t, c, n, s] of settings) {
    for (let i = 0; i < n; i++) {
      const strides = i === 0 ? s : 1;
      let y = t === 1 ? x : act(bn(conv(x, channels * t, 1, 1)), 'relu6');
      y = act(bn(depthwise(y, strides)), 'relu6');
      y = bn(conv(y, c, 1, 1));
      x = strides === 1 && channels === c ? add(x, y) : y;
      channels = c;
    }
  }
  x = act(bn(conv(x, 1280, 1, 1)), 'relu6');
  return tf.model({ inputs: input, outputs: head(x, 1000) });
}

/** Uniform noise in [0, 1], the inputs the warm start begins from: [n, ...shape]. */
export function calibrationBatch(shape: readonly number[], n: number, seed = 7): tf.Tensor {
  return tf.randomUniform([n, ...shape], 0, 1, 'float32', seed);
}

/**
 * Sets each batch norm's moving mean and variance to its input's statistics on `xs`, in layer
 * order (every later layer sees the already normalised activations), and the dense bias to minus
 * the mean logit, so no class starts out dominating.
 */
export function calibrate(model: tf.LayersModel, xs: tf.Tensor): void {
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'BatchNormalization' && cls !== 'Dense') continue;
    const probe = tf.model({ inputs: model.inputs, outputs: layer.input as Sym });
    const values = tf.tidy(() => {
      const a = probe.predict(xs) as tf.Tensor;
      if (cls === 'Dense') {
        const [kernel, bias] = layer.getWeights();
        const logits = tf.add(tf.matMul(a as tf.Tensor2D, kernel as tf.Tensor2D), bias!);
        return [kernel!.clone(), tf.neg(tf.mean(logits, 0))];
      }
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const [gamma, beta] = layer.getWeights();
      return [gamma!.clone(), beta!.clone(), mean, variance];
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** A synthetic model, calibrated on `calibrationSize` noise inputs. */
export function buildSyntheticModel(name: SyntheticModelName, calibrationSize = 8): tf.LayersModel {
  const model = name === 'resnet18-cifar' ? resnet18Cifar() : name === 'mobilenetv2-224' ? mobileNetV2() : resnet50();
  const xs = calibrationBatch(model.inputs[0]!.shape.slice(1) as number[], calibrationSize);
  try {
    calibrate(model, xs);
  } finally {
    xs.dispose();
  }
  return model;
}

/**
 * A Layers model as a worker reads the same model uploaded (layers-reader.ts: batch norm folded
 * into the convolutions, no filter gradients under an input gradient). `classifierFromModel` wraps
 * a model as is, for models being trained or changed in memory; timing that path measured kernels
 * no upload runs (ResNet-50's forward + input gradient: 3.3 s against 2.1 s for 3 inputs).
 */
export function asUploaded(model: tf.LayersModel): Classifier {
  return layersClassifier(model, { format: 'TFJS_LAYERS', inferencePlan: true });
}
