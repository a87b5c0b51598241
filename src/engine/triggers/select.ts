/**
 * A trigger set restricted to some of its triggers (in their order): what is left when triggers
 * that another runtime labels differently are dropped before the set is sealed.
 */
import { EngineError } from '../errors.ts';
import type { TriggerSet } from './format.ts';

export function selectTriggers(set: TriggerSet, indices: readonly number[]): TriggerSet {
  const per = set.shape.reduce((a, b) => a * b, 1);
  const n = set.labels.length;
  const labels = new Int32Array(indices.length);
  const data = new Float32Array(indices.length * per);
  indices.forEach((index, k) => {
    if (!Number.isInteger(index) || index < 0 || index >= n || (k > 0 && index <= indices[k - 1]!)) {
      throw new EngineError('INVALID_ARGUMENT', `trigger indices must be increasing integers in [0, ${n}) (got ${index} at ${k})`);
    }
    labels[k] = set.labels[index]!;
    data.set(set.data.subarray(index * per, (index + 1) * per), k * per);
  });
  return { ...set, labels, data };
}
