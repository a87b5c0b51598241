/**
 * A watermark's strength (src/watermarks/watermark-strength.ts, the attestation claim
 * watermark.strength): a badge, and a warning that a weak watermark's INTACT verdicts are weak
 * evidence, so that a weak watermark never shows as green ticks alone.
 */
import { formatPercent } from '../format.ts';

/** The figures, as the API (level STANDARD/WEAK) and a token (standard/weak) both carry them. */
export interface StrengthFigures {
  level: string;
  triggers: number;
  flipFractionUnderNoise: number | null;
  noiseStd: number | null;
  detectionFloor: number;
}

/** Fewest triggers of a standard watermark (MIN_STANDARD_TRIGGERS on the server). */
const MIN_STANDARD_TRIGGERS = 32;

export const isWeak = (s: StrengthFigures) => s.level.toUpperCase() === 'WEAK';

/** Why it is weak, in words: from the figures, so that a token (which carries no reasons) reads the same. */
export function weakReasons(s: StrengthFigures): string[] {
  const reasons: string[] = [];
  if (s.triggers < MIN_STANDARD_TRIGGERS) reasons.push(`only ${s.triggers} triggers (fewer than ${MIN_STANDARD_TRIGGERS})`);
  if (s.flipFractionUnderNoise === 0) reasons.push(`its self-check flipped no trigger under weight noise${s.noiseStd ? ` σ=${s.noiseStd}` : ''}`);
  return reasons;
}

export function StrengthBadge({ strength }: { strength: StrengthFigures }) {
  const weak = isWeak(strength);
  return (
    <span className={`badge ${weak ? 'badge-error' : 'badge-none'}`} data-strength={weak ? 'WEAK' : 'STANDARD'}>
      {weak ? '⚠ Weak' : 'Standard'}
    </span>
  );
}

/** What a verdict from it can show: the detection floor and the measured sensitivity. */
export function StrengthFacts({ strength }: { strength: StrengthFigures }) {
  return (
    <span className="small muted">
      tampered from {strength.detectionFloor} mismatched of {strength.triggers}
      {strength.flipFractionUnderNoise !== null && ` · ${formatPercent(strength.flipFractionUnderNoise)} flip under noise`}
    </span>
  );
}

/** `advice`: for the watermark's owner, what to do instead (a third party checking a token cannot). */
export function WeakWatermarkWarning({ strength, subject, advice = false }: { strength: StrengthFigures; subject: string; advice?: boolean }) {
  return (
    <div className="alert alert-warning" role="alert" data-weak-warning="">
      <strong>{subject} is weak:</strong> {weakReasons(strength).join('; ')}. A model changed in a way that flips only some triggers can
      still verify INTACT, so its INTACT verdicts are weak evidence; every attestation made with it says strength “weak”.
      {advice && ` For a standard watermark, start a new one with at least ${MIN_STANDARD_TRIGGERS} triggers and the JUNCTION method (the defaults).`}
    </div>
  );
}
