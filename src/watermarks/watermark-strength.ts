/**
 * How much a verdict from a watermark can be trusted: its `strength`, computed in this one place
 * from what the Watermark row records, for every token (claimsFor), the API and the dashboard.
 * The token member is `fragmark.watermark.strength` (src/attestations/crypto/attestation-claims.ts,
 * StrengthClaim; docs/verifying-attestations.md says how an auditor should read it).
 *
 * Why it exists (issue 17, "Attestations that say exactly what was checked"): a watermark of 10
 * CE_ONLY triggers, whose own self-check had flipped no trigger under weight noise, verified a
 * noisy copy as INTACT 10/10, and its token looked like any other. A watermark is "weak" when
 * - it has fewer than MIN_STANDARD_TRIGGERS triggers: a strict verdict catches a change when at
 *   least one trigger flips, so a subtle change that flips one trigger in ten goes unnoticed by
 *   10 triggers about a third of the time (0.9^10 = 0.35) and by 32 about one time in thirty
 *   (0.9^32 = 0.034); or
 * - its generation self-check measured no sensitivity: no trigger flipped under the self-check's
 *   Gaussian weight noise (flipFractionUnderNoise === 0), as the paper's objectives (CE_ONLY,
 *   CE_VARIANCE) typically do (docs/method.md: 0.00 under noise 1e-3).
 * A weak watermark is only made when its request said allowWeak: true; allowWeak is a permission,
 * never a label: a watermark that turns out sensitive and large enough is "standard" either way.
 * Watermarks made before strength existed get their level the same way, from what they recorded.
 */
import type { StrengthClaim, VerdictPolicy } from '../attestations/crypto/attestation-claims.ts';

/** Fewest triggers of a "standard" watermark (see above for why 32). */
export const MIN_STANDARD_TRIGGERS = 32;

/** What the strength is computed from: columns of the Watermark row. */
export interface StrengthInputs {
  triggerCount: number;
  method: string;
  /** Verdict policy JSON: {"kind":"strict"} or {"kind":"tolerance","maxMismatchFraction":f}. */
  policy: unknown;
  /** Generation self-check JSON (generate-watermark.ts); null while PENDING or never measured. */
  selfCheck: unknown;
}

export type WeakReason = 'FEW_TRIGGERS' | 'NO_SENSITIVITY';

/**
 * Fewest mismatched triggers, of all `triggers`, that make the verdict "tampered" under `policy`:
 * strict → 1; tolerance f → floor(f·n + 1e-12) + 1. The same epsilon as expectedVerdict
 * (attestation-claims.ts), so that e.g. 1 mismatch of 10 with f = 0.1 is still intact there and
 * the floor is 2 here.
 */
export function detectionFloor(policy: unknown, triggers: number): number {
  const p = policy as VerdictPolicy | null;
  if (p?.kind !== 'tolerance') return 1;
  return Math.floor(p.maxMismatchFraction * triggers + 1e-12) + 1;
}

/** Why a watermark with these figures is weak; empty when it is standard. */
export function weakReasons(triggers: number, flipFractionUnderNoise: number | null): WeakReason[] {
  const reasons: WeakReason[] = [];
  if (triggers < MIN_STANDARD_TRIGGERS) reasons.push('FEW_TRIGGERS');
  if (flipFractionUnderNoise === 0) reasons.push('NO_SENSITIVITY');
  return reasons;
}

/** The token's `watermark.strength` for a Watermark row (or for a row about to be written). */
export function watermarkStrength(watermark: StrengthInputs): StrengthClaim {
  const check = selfCheckFigures(watermark.selfCheck);
  return {
    level: weakReasons(watermark.triggerCount, check.flipFractionUnderNoise).length > 0 ? 'weak' : 'standard',
    triggers: watermark.triggerCount,
    method: watermark.method,
    flipFractionUnderNoise: check.flipFractionUnderNoise,
    noiseStd: check.noiseStd,
    detectionFloor: detectionFloor(watermark.policy, watermark.triggerCount),
  };
}

/**
 * After generation: why a freshly generated watermark must not become READY, or null when it may.
 * Fewer than MIN_STANDARD_TRIGGERS without allowWeak is refused before generation
 * (resolveWatermarkSettings); what only generation can tell is whether the triggers are sensitive.
 */
export function generatedWatermarkRefusal(watermark: StrengthInputs & { allowWeak: boolean }): string | null {
  if (watermark.allowWeak) return null;
  const check = selfCheckFigures(watermark.selfCheck);
  if (check.flipFractionUnderNoise !== 0) return null;
  const noise = check.noiseStd === null ? 'the self-check weight noise' : `Gaussian weight noise of std ${check.noiseStd}`;
  return (
    `The generated watermark is weak: its self-check flipped 0% of its ${watermark.triggerCount} ${watermark.method} triggers under ${noise} ` +
    '(flipFractionUnderNoise 0), so a changed model may keep every trigger label and verify INTACT. ' +
    'Start a new watermark with more triggers or the JUNCTION method (the default), or pass allowWeak: true (fragmark watermark --allow-weak) to accept it with tokens marked weak.'
  );
}

/** The self-check's figures, or null where it did not measure them (or recorded something else). */
function selfCheckFigures(selfCheck: unknown): { flipFractionUnderNoise: number | null; noiseStd: number | null } {
  const s = typeof selfCheck === 'object' && selfCheck !== null ? (selfCheck as Record<string, unknown>) : {};
  const flip = s.flipFractionUnderNoise;
  const std = s.noiseStd;
  return {
    flipFractionUnderNoise: typeof flip === 'number' && Number.isFinite(flip) && flip >= 0 && flip <= 1 ? flip : null,
    noiseStd: typeof std === 'number' && Number.isFinite(std) && std > 0 ? std : null,
  };
}
