import type { ServingCheck } from '../serving/serving-check.ts';

/** What the trigger set records of its serving check (no trigger values, no labels). */
export function servingSummary(check: ServingCheck, targets?: Float64Array): Record<string, unknown> {
  const sorted = targets === undefined ? undefined : Array.from(targets).sort((a, b) => a - b);
  return {
    safetyFactor: check.safetyFactor,
    variants: check.variants.map((v) => ({ name: v.name, matched: v.matched, minMargin: v.minMargin, maxDeviation: v.maxDeviation })),
    ...(sorted !== undefined
      ? { marginTargets: { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] } }
      : {}),
  };
}
