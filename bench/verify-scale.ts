/**
 * Verification at real sizes (issue 19's target: 100 triggers in under 5 s): the engine labels
 * 100 inputs through `verifyClassifier` (micro-batched forward pass, argmax, AccTri) and PyTorch
 * CPU runs the same architecture's forward pass on 100 inputs (bench/verify_pytorch.py, 2
 * threads, in the micro-batch size fastest for it, under bench/pytorch-env.ts), one right after
 * the other in each round so both see the same load.
 *
 *   npx tsx bench/verify-scale.ts [--models resnet18-cifar,mobilenetv2-224,resnet50-224] [--rounds 3] [--python python3]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, predictLabels, verifyClassifier } from '../src/engine/index.ts';
import type { TriggerSet } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { asUploaded, buildSyntheticModel, calibrationBatch, SYNTHETIC_MODELS, type SyntheticModelName } from './synthetic-models.ts';
import { PYTORCH_ENV } from './pytorch-env.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: SYNTHETIC_MODELS.join(',') },
    rounds: { type: 'string', default: '3' },
    count: { type: 'string', default: '100' },
    python: { type: 'string', default: 'python3' },
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const backend = await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, Node ${process.version}, backend ${backend.choice}`);
  const n = Number(values.count);
  console.log(`| model | engine s (median) | PyTorch s (median) | PyTorch's micro-batch per round | ratio per round | load |\n|---|---|---|---|---|---|`);
  for (const name of values.models!.split(',') as SyntheticModelName[]) {
    const classifier = asUploaded(buildSyntheticModel(name));
    const xs = calibrationBatch(classifier.inputShape, n, 11);
    const labels = predictLabels(classifier, xs);
    const set: TriggerSet = { shape: [...classifier.inputShape], numClasses: classifier.numClasses, labels, data: xs.dataSync() as Float32Array, metadata: {} as TriggerSet['metadata'] };
    xs.dispose();
    verifyClassifier(classifier, set, { indices: [0, 1] }); // warm-up: filters packed, micro-batch size measured
    const engine: number[] = [];
    const torch: number[] = [];
    const microBatches: number[] = [];
    const ratios: string[] = [];
    const loads: string[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const t = performance.now();
      const result = verifyClassifier(classifier, set);
      engine.push((performance.now() - t) / 1000);
      if (result.accTri !== 1) throw new Error(`the clean model scored ${result.accTri}`);
      const py = spawnSync(values.python!, [path.join(here, 'verify_pytorch.py'), name, '--batch', String(n), '--reps', '3'], { encoding: 'utf8', env: PYTORCH_ENV });
      if (py.status !== 0) throw new Error(`PyTorch failed: ${py.stderr}`);
      const reference = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { forward_s: number; micro_batch: number };
      torch.push(reference.forward_s);
      microBatches.push(reference.micro_batch);
      ratios.push((engine.at(-1)! / torch.at(-1)!).toFixed(2));
      loads.push(os.loadavg()[0]!.toFixed(1));
    }
    console.log(`| ${name} | ${median(engine).toFixed(2)} | ${median(torch).toFixed(2)} | ${microBatches.join(', ')} | ${ratios.join(', ')} | ${loads.join(', ')} |`);
    classifier.dispose();
    tf.disposeVariables();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
