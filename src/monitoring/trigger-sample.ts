/**
 * The triggers one monitored run queries: a fresh random sample each time, so that whoever runs
 * the endpoint cannot collect the whole set from one run's queries (src/monitoring/README.md).
 * Triggers that challenges revealed to a model's operator are never sampled: the operator knows
 * them, so a model patched to answer them correctly could pass a check built on them.
 */
import { randomInt } from 'node:crypto';

/**
 * `size` indices drawn uniformly without replacement from `available` minus `revealed`, sorted;
 * all of those when fewer remain. `available`: the enrolled stable triggers, or every index.
 */
export function drawTriggerSample(available: readonly number[], revealed: readonly number[], size: number, pick: (n: number) => number = randomInt): number[] {
  const hidden = new Set(revealed);
  const pool = available.filter((i) => !hidden.has(i));
  for (let i = 0; i < Math.min(size, pool.length); i++) {
    const j = i + pick(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(size, pool.length)).sort((a, b) => a - b);
}
