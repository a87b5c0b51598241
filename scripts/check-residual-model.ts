/**
 * Checks a reference model written from PyTorch (scripts/train-residual-model.py) against TF.js:
 * loads it with `loadClassifierFromDir`, prints its MNIST test accuracy, its canonical weights digest
 * and parameter count, and, given the PyTorch predictions the training script wrote, compares the
 * labels and probabilities of the first 1000 test images.
 *
 *   npx tsx scripts/check-residual-model.ts [--dir fixtures/mnist-resnet] [--pytorch tmp/mnist-resnet-pytorch.json] [--backend wasm]
 *
 * Exits 1 when a label differs.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { computeWeightsDigest, initBackend, loadClassifierFromDir, loadMnist, predictLabels, type BackendChoice } from '../src/engine/index.ts';
import { layersModelOf } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'fixtures/mnist-resnet' },
    pytorch: { type: 'string', default: 'tmp/mnist-resnet-pytorch.json' },
    backend: { type: 'string', default: 'wasm' },
  },
});

await initBackend({ ...loadEngineOptions(), backend: values.backend as BackendChoice, log: () => {} });
const classifier = await loadClassifierFromDir(values.dir);
const test = loadMnist('test');
const ys = test.ys.dataSync() as Int32Array;
const predicted = predictLabels(classifier, test.xs, 1000);
let correct = 0;
for (let i = 0; i < ys.length; i++) if (predicted[i] === ys[i]) correct++;
const params = layersModelOf(classifier).countParams();
console.log(`${values.dir}: ${layersModelOf(classifier).layers.length} layers, ${params} parameters, output ${classifier.outputKind}`);
console.log(`test accuracy (TF.js ${values.backend}, 10,000 images): ${(correct / ys.length).toFixed(4)}`);
console.log(`weights digest: ${computeWeightsDigest(classifier)}`);
let failed = false;
if (existsSync(values.pytorch)) {
  const ref = JSON.parse(readFileSync(values.pytorch, 'utf8')) as { testAccuracy: number; labels: number[]; probabilities: number[] };
  const n = ref.labels.length;
  const probs = tf.tidy(() => layersModelOf(classifier).predict(tf.slice(test.xs, 0, n)) as tf.Tensor).dataSync();
  let same = 0;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === ref.labels[i]) same++;
  for (let i = 0; i < probs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(probs[i]! - ref.probabilities[i]!));
  console.log(`PyTorch: test accuracy ${ref.testAccuracy.toFixed(4)}; same label on ${same} of ${n} test images; max |probability difference| ${maxDiff.toExponential(2)}`);
  failed = same !== n;
} else {
  console.log(`(no PyTorch predictions at ${values.pytorch}: run scripts/train-residual-model.py first to compare)`);
}
process.exit(failed ? 1 : 0);
