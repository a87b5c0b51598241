/**
 * SENSITIVE (ours, generation/refine.ts): a cross-entropy warm start, then the inputs are optimised
 * so that each trigger's key-label margin falls below -marginTarget on simulated changed models
 * (a short fine-tune on reference data, or weight noise without data) while its margin on the
 * clean model is finally projected to marginTarget.
 */
import type * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../errors.ts';
import { layersModelOf } from '../../model/classifier.ts';
import { isBounded } from '../../serving/input-domain.ts';
import { fineTune } from '../../attacks/finetune.ts';
import { gaussianNoise } from '../../attacks/weights.ts';
import { crossEntropy, DEFAULT_FLIP_WEIGHT, DEFAULT_MARGIN_TARGET } from '../loss.ts';
import { DEFAULT_SENSITIVITY, refineSensitive } from '../refine.ts';
import { allCorrect, fixedMarginOnly, positiveMarginTarget } from './common.ts';
import type { Objective } from './objective.ts';

export const sensitive: Objective<'SENSITIVE'> = {
  kind: 'SENSITIVE',
  normalise(spec) {
    const marginTarget = positiveMarginTarget(spec.marginTarget, DEFAULT_MARGIN_TARGET);
    const flipWeight = spec.flipWeight ?? DEFAULT_FLIP_WEIGHT;
    if (!Number.isFinite(flipWeight) || flipWeight < 0) throw new EngineError('INVALID_ARGUMENT', `flipWeight must be >= 0`);
    return { kind: 'SENSITIVE', marginTarget, flipWeight };
  },
  checkFits: (domain, profile) => fixedMarginOnly('SENSITIVE', domain, profile),
  // The warm start only; the refinement has its own objective.
  warmStartLoss: (_spec, logp, oneHot) => crossEntropy(logp, oneHot),
  converged: (_spec, margins) => allCorrect(margins),

  async refine(spec, context) {
    const { classifier, domain, seed } = context;
    const sens = context.sensitivity ?? {};
    const sims: tf.LayersModel[] = [];
    let simulation: Record<string, unknown>;
    let refined;
    try {
      if (sens.referenceData !== undefined) {
        const checkpoints = [...(sens.checkpoints ?? DEFAULT_SENSITIVITY.checkpoints)];
        const ft = await fineTune(layersModelOf(classifier, 'the SENSITIVE objective'), {
          ...sens.sgd,
          data: sens.referenceData,
          steps: Math.max(0, ...checkpoints),
          seed: `sensitive/${seed}`,
          snapshotAt: checkpoints,
        });
        ft.model.dispose();
        sims.push(...ft.snapshots);
        simulation = { kind: 'finetune', checkpoints, sgd: sens.sgd ?? {} };
      } else {
        const stds = [...(sens.noiseStd ?? DEFAULT_SENSITIVITY.noiseStd)];
        for (let j = 0; j < stds.length; j++) sims.push(await gaussianNoise(layersModelOf(classifier, 'the SENSITIVE objective'), { std: stds[j]!, seed: `sensitive/${seed}/${j}` }));
        simulation = { kind: 'noise', noiseStd: stds };
      }
      refined = await refineSensitive(classifier, context.data, context.labels, sims, spec.marginTarget, spec.flipWeight, {
        ...sens,
        ...(isBounded(domain) ? { bounds: { min: domain.min, max: domain.max } } : {}),
        ...(context.signal !== undefined ? { signal: context.signal } : {}),
        ...(context.memoryBudgetMb !== undefined ? { memoryBudgetMb: context.memoryBudgetMb } : {}),
        ...(context.onMicroBatch !== undefined ? { onMicroBatch: context.onMicroBatch } : {}),
      });
    } finally {
      for (const m of sims) m.dispose();
    }
    for (const m of refined.margins) {
      if (!(m >= spec.marginTarget / 2 && m <= spec.marginTarget * 2)) throw new EngineError('GENERATION_FAILED', 'refined trigger margins did not reach the target band');
    }
    return {
      data: refined.data,
      margins: refined.margins,
      simulatedFlipFraction: refined.simulatedFlipFraction,
      refinement: {
        simulation,
        steps: refined.steps,
        learningRate: sens.learningRate ?? DEFAULT_SENSITIVITY.learningRate,
        projectionIterations: refined.projectionIterations,
        simulatedFlipFraction: refined.simulatedFlipFraction,
      },
    };
  },
};
