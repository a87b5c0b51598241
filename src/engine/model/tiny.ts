/**
 * A tiny random image classifier (default 8x8x1 input, 3 classes), for fast tests and smoke
 * checks. Deterministic for a given seed. Not for watermarking real models.
 */
import * as tf from '@tensorflow/tfjs';
import { SeededStream } from '../util/prng.ts';

export interface TinyClassifierOptions {
  readonly inputShape?: readonly [number, number, number];
  readonly numClasses?: number;
  readonly seed?: string;
  /** Output a softmax (default) or raw logits. */
  readonly softmax?: boolean;
  readonly batchNorm?: boolean;
}

export function buildTinyClassifier(options: TinyClassifierOptions = {}): tf.Sequential {
  const shape = options.inputShape ?? [8, 8, 1];
  const k = options.numClasses ?? 3;
  const rng = new SeededStream(options.seed ?? 'tiny', 'tiny-classifier');
  const init = () => tf.initializers.glorotUniform({ seed: rng.nextUint32() });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [...shape], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  if (options.batchNorm) m.add(tf.layers.batchNormalization());
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init() }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: k, activation: options.softmax === false ? 'linear' : 'softmax', kernelInitializer: init() }));
  return m;
}
