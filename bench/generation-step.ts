/**
 * The steady-state generation step that bench/step.ts times and bench/step-profile.ts profiles:
 * generate.ts's step with the default generator (167,225 parameters) on N = 100 fixed latents,
 * the reference MNIST CNN, CE_VARIANCE, Adam lr 1e-2, margins and loss read back every step.
 * bench/pytorch_generation.py is the same step in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/engine/backend/index.ts';
import { logProbabilities } from '../src/engine/model/classifier.ts';
import { loadClassifierFromDir } from '../src/engine/model/formats/index.ts';
import { createAdam } from '../src/engine/generation/adam.ts';
import { ConvGenerator, DEFAULT_GENERATOR } from '../src/engine/generation/generator.ts';
import { labelMargins, PAPER_LOSS } from '../src/engine/generation/loss.ts';
import { triggerLoss } from '../src/engine/generation/objectives/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';

export interface GenerationStep {
  /** Threads of the wasm backend (FRAGMARK_WASM_THREADS). */
  readonly threads: number;
  run(): Promise<void>;
}

/** Activates wasm, loads the reference CNN and builds the step (not yet run). */
export async function createGenerationStep(): Promise<GenerationStep> {
  const info = await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const root = fileURLToPath(new URL('..', import.meta.url));
  const classifier = await loadClassifierFromDir(path.join(root, 'fixtures', 'mnist-cnn'));
  const generator = new ConvGenerator(classifier.inputShape, DEFAULT_GENERATOR, 'bench-step');
  const n = 100;
  const z = tf.randomNormal([n, DEFAULT_GENERATOR.latentDim], 0, 1, 'float32', 1) as tf.Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % classifier.numClasses), 'int32');
  const oneHot = tf.oneHot(labels, classifier.numClasses).toFloat() as tf.Tensor2D;
  const optimizer = createAdam(1e-2, 0.5, 0.999);
  return {
    threads: info.threads ?? 1,
    async run(): Promise<void> {
      let margins: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logp = logProbabilities(classifier, generator.apply(z));
        margins = tf.keep(labelMargins(logp, oneHot));
        return triggerLoss(PAPER_LOSS, logp, oneHot);
      }, generator.variables);
      await margins!.data();
      await value.data();
      optimizer.applyGradients(grads as never);
      value.dispose();
      margins!.dispose();
      tf.dispose(grads);
    },
  };
}
