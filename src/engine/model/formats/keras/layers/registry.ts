/** The Keras layer classes the reader converts, by Keras class name (one file per layer family). */
import { activationRules } from './activation.ts';
import { convolutionRules } from './convolution.ts';
import { coreRules } from './core.ts';
import type { LayerRule } from './layer-rule.ts';
import { mergeRules } from './merge.ts';
import { normalizationRules } from './normalization.ts';
import { poolingRules } from './pooling.ts';

export const LAYER_RULES: ReadonlyMap<string, LayerRule> = new Map(
  Object.entries({ ...coreRules, ...convolutionRules, ...normalizationRules, ...poolingRules, ...activationRules, ...mergeRules }),
);
