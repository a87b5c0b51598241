/**
 * Fine-tuning attacks on a copy of the classifier: full fine-tuning on clean data, last-layer-only
 * fine-tuning, and BadNets-style backdoor poisoning. The paper's attack (Yin, Yin, Zhang, ICIP
 * 2022; method.md): SGD lr 1e-3, momentum 0.9, weight decay 1e-3, batch 256.
 *
 * SGD follows PyTorch's semantics (what the published numbers used): d = g + wd * w;
 * buf = momentum * buf + d (buf = d on the first step); w -= lr * buf. Weight decay applies to
 * every trainable weight. Batches are drawn without replacement from a seeded permutation of the
 * data (a new permutation each epoch), so a run is deterministic given its seed. The forward
 * pass uses training mode (dropout/batch norm behave as in training; TF.js `apply` does not
 * update batch-norm moving statistics).
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.ts';
import { logProbabilities } from '../model/classifier.ts';
import { binaryScores } from '../model/binary.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { SeededStream } from '../util/prng.ts';
import { cloneModel } from './clone.ts';

export interface SgdConfig {
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly batchSize: number;
}

/** The paper's fine-tuning attack settings. */
export const PAPER_FINETUNE: SgdConfig = { learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-3, batchSize: 256 };

export interface BackdoorConfig {
  /** Fraction of every batch that is poisoned (default 0.1). */
  readonly fraction?: number;
  /** Label given to poisoned examples. */
  readonly targetClass: number;
  /** Side of the square patch in pixels (default 3). */
  readonly patchSize?: number;
  /** Value written into the patch (default 1: white for inputs in [0, 1]). */
  readonly patchValue?: number;
  /** Corner of the patch (default bottom-right). */
  readonly corner?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
}

export interface FineTuneOptions extends Partial<SgdConfig> {
  /** Training data: xs [n, ...inputShape] and integer labels ys [n]. Not disposed. */
  readonly data: { readonly xs: tf.Tensor; readonly ys: tf.Tensor1D };
  /** Number of SGD steps (one epoch = ceil(n / batchSize)). */
  readonly steps: number;
  readonly seed: string;
  /** Train only the last layer that has weights (the final Dense layer); default false. */
  readonly lastLayerOnly?: boolean;
  /** BadNets-style poisoning of each batch. */
  readonly backdoor?: BackdoorConfig;
  /** Also return copies of the model after these step counts (e.g. [1, 8]); caller disposes them. */
  readonly snapshotAt?: readonly number[];
  /** Called after each step with the batch loss (before the update). */
  readonly onStep?: (step: number, loss: number) => void;
}

export interface FineTuneResult {
  readonly model: tf.LayersModel;
  /** Training loss of each step's batch, measured before that step's update. */
  readonly losses: number[];
  /** Copies after the steps in `snapshotAt` (same order); empty when not asked. */
  readonly snapshots: tf.LayersModel[];
}

/** Stamps a square patch into images [b, h, w, c] (returns a new tensor). */
export function stampPatch(x: tf.Tensor4D, config: Pick<BackdoorConfig, 'patchSize' | 'patchValue' | 'corner'> = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, c] = x.shape;
    const s = config.patchSize ?? 3;
    const v = config.patchValue ?? 1;
    const corner = config.corner ?? 'bottom-right';
    const top = corner.startsWith('top') ? 0 : h - s;
    const left = corner.endsWith('left') ? 0 : w - s;
    const mask = tf.buffer([1, h, w, c], 'float32');
    for (let i = top; i < top + s; i++) for (let j = left; j < left + s; j++) for (let k = 0; k < c; k++) mask.set(1, 0, i, j, k);
    const m = mask.toTensor();
    return tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(m, v)) as tf.Tensor4D;
  });
}

/** Index batches from seeded per-epoch permutations. */
class BatchSampler {
  private readonly rng: SeededStream;
  private perm: Int32Array = new Int32Array(0);
  private pos = 0;
  constructor(private readonly n: number, private readonly batchSize: number, seed: string) {
    this.rng = new SeededStream(seed, 'attack/finetune/batches');
  }
  next(): Int32Array {
    if (this.pos + this.batchSize > this.n || this.perm.length === 0) {
      this.perm = Int32Array.from({ length: this.n }, (_, i) => i);
      this.rng.shuffle(this.perm);
      this.pos = 0;
    }
    const size = Math.min(this.batchSize, this.n);
    const out = this.perm.slice(this.pos, this.pos + size);
    this.pos += size;
    return out;
  }
}

/**
 * Fine-tunes a copy of `model` with SGD (momentum, weight decay) for `steps` steps and returns it.
 * The original model is not modified. Intermediate tensors are disposed.
 */
export async function fineTune(model: tf.LayersModel, options: FineTuneOptions): Promise<FineTuneResult> {
  const cfg: SgdConfig = { ...PAPER_FINETUNE, ...options };
  const { xs, ys } = options.data;
  const n = xs.shape[0] ?? 0;
  if (n === 0 || ys.shape[0] !== n) throw new EngineError('INVALID_ARGUMENT', 'fine-tune data must be non-empty with one label per example');
  if (!Number.isInteger(options.steps) || options.steps < 0) throw new EngineError('INVALID_ARGUMENT', 'steps must be an integer >= 0');
  const copy = await cloneModel(model);
  const classifier = classifierFromModel(copy);
  let layerWeights = copy.trainableWeights;
  if (options.lastLayerOnly === true) {
    const last = [...copy.layers].reverse().find((l) => l.trainableWeights.length > 0);
    if (last === undefined) throw new EngineError('INVALID_ARGUMENT', 'model has no trainable layer');
    layerWeights = last.trainableWeights;
  }
  const vars = layerWeights.map((w) => w.read() as tf.Variable);
  const buffers: (tf.Tensor | undefined)[] = vars.map(() => undefined);
  const sampler = new BatchSampler(n, cfg.batchSize, options.seed);
  const poison = options.backdoor;
  const poisonCount = poison === undefined ? 0 : Math.round((poison.fraction ?? 0.1) * Math.min(cfg.batchSize, n));
  if (poison !== undefined && !(Number.isInteger(poison.targetClass) && poison.targetClass >= 0 && poison.targetClass < classifier.numClasses)) {
    throw new EngineError('INVALID_ARGUMENT', 'backdoor targetClass out of range');
  }
  const losses: number[] = [];
  const snapshots: tf.LayersModel[] = [];
  const snapshotAt = options.snapshotAt ?? [];
  try {
    for (const s of snapshotAt) if (s === 0) snapshots.push(await cloneModel(copy));
    for (let step = 0; step < options.steps; step++) {
      const idx = sampler.next();
      const { x, oneHot } = tf.tidy(() => {
        const it = tf.tensor1d(idx, 'int32');
        let bx = tf.gather(xs, it) as tf.Tensor4D;
        let by = tf.gather(ys, it) as tf.Tensor1D;
        if (poisonCount > 0 && poison !== undefined) {
          // The first poisonCount examples of the (random) batch get the patch and the target label.
          const head = tf.slice(bx, 0, poisonCount);
          const tail = tf.slice(bx, poisonCount);
          bx = tf.concat([stampPatch(head, poison), tail]) as tf.Tensor4D;
          by = tf.concat([tf.fill([poisonCount], poison.targetClass, 'int32'), tf.slice(by, poisonCount)]) as tf.Tensor1D;
        }
        return { x: bx, oneHot: tf.oneHot(tf.cast(by, 'int32'), classifier.numClasses).toFloat() };
      });
      try {
        const { value, grads } = tf.variableGrads(() => {
          const raw = copy.apply(x, { training: true }) as tf.Tensor2D;
          const out = raw.shape[1] === 1 ? binaryScores(raw, classifier.outputKind === 'probabilities') : raw;
          const logp = classifier.outputKind === 'probabilities' ? tf.log(tf.clipByValue(out, 1e-30, 1)) : tf.logSoftmax(out);
          return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), 1))) as tf.Scalar;
        }, vars);
        const loss = (await value.data())[0]!;
        losses.push(loss);
        options.onStep?.(step, loss);
        tf.tidy(() => {
          vars.forEach((v, i) => {
            const g = grads[v.name];
            if (g === undefined) return;
            const d = cfg.weightDecay !== 0 ? tf.add(g, tf.mul(v, cfg.weightDecay)) : g;
            const prev = buffers[i];
            const buf = prev === undefined ? tf.keep(tf.clone(d)) : tf.keep(tf.add(tf.mul(prev, cfg.momentum), d));
            prev?.dispose();
            buffers[i] = buf;
            v.assign(tf.sub(v, tf.mul(buf, cfg.learningRate)));
          });
        });
        value.dispose();
        tf.dispose(grads);
        for (const s of snapshotAt) if (s === step + 1) snapshots.push(await cloneModel(copy));
      } finally {
        x.dispose();
        oneHot.dispose();
      }
    }
  } catch (e) {
    copy.dispose();
    for (const m of snapshots) m.dispose();
    throw e;
  } finally {
    tf.dispose(buffers.filter((b): b is tf.Tensor => b !== undefined));
  }
  if (snapshots.length !== snapshotAt.length) {
    for (const m of snapshots) m.dispose();
    copy.dispose();
    throw new EngineError('INVALID_ARGUMENT', 'snapshotAt steps must lie in [0, steps]');
  }
  return { model: copy, losses, snapshots };
}

/** Cross-entropy of a model on data (inference mode), batched. */
export function meanCrossEntropy(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor1D, batchSize = 1000): number {
  const classifier = classifierFromModel(model);
  const n = xs.shape[0] ?? 0;
  let total = 0;
  for (let s = 0; s < n; s += batchSize) {
    const size = Math.min(batchSize, n - s);
    const v = tf.tidy(() => {
      const logp = logProbabilities(classifier, tf.slice(xs, s, size));
      const oh = tf.oneHot(tf.cast(tf.slice(ys, s, size), 'int32'), classifier.numClasses).toFloat();
      return tf.neg(tf.sum(tf.mul(oh, logp)));
    });
    total += v.dataSync()[0]!;
    v.dispose();
  }
  return total / n;
}
