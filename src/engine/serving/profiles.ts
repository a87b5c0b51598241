/**
 * Serving profiles: the numerics a watermark must survive on a benign deployment.
 *
 * A fragile trigger sits on a decision boundary, so it flips under anything that moves the model's
 * outputs by more than its margin: attacks, but also a GPU serving the untouched model in TF32,
 * FP16 or BF16. A profile names the numerics the owner's deployments use; generation then gives
 * every trigger a margin larger than those numerics move it (measured by emulating them, with a
 * safety factor), and no larger, since every extra unit of margin is a change that goes unseen.
 *
 * Each profile tolerates its own numerics and every more precise one. Every trigger starts from
 * the FP32 target (1e-3); generation raises each trigger's own target to a safety factor times
 * the change the tolerated numerics make to it, until it passes the check
 * (generation/serving-margins.ts), so triggers those numerics barely move keep small margins and
 * stay sensitive. Measurements behind it: docs/method.md, "Serving profiles".
 */
import type { Numerics } from './number-formats.ts';

export type ServingProfile = 'FP32_EXACT' | 'TF32' | 'FP16' | 'BF16';
export const SERVING_PROFILES: readonly ServingProfile[] = ['FP32_EXACT', 'TF32', 'FP16', 'BF16'];

export interface ProfileSpec {
  /** Numerics a deployment may use without the watermark reporting TAMPERED. */
  readonly tolerates: readonly Numerics[];
  /** JUNCTION margin target t every trigger starts from. */
  readonly initialMarginTarget: number;
  /** The next profile that tolerates more, for error messages (null: none). */
  readonly stronger: ServingProfile | null;
}

export const PROFILES: Readonly<Record<ServingProfile, ProfileSpec>> = {
  FP32_EXACT: { tolerates: ['FP32'], initialMarginTarget: 1e-3, stronger: 'TF32' },
  TF32: { tolerates: ['FP32', 'TF32'], initialMarginTarget: 3e-3, stronger: 'FP16' },
  FP16: { tolerates: ['FP32', 'TF32', 'FP16'], initialMarginTarget: 3e-3, stronger: 'BF16' },
  BF16: { tolerates: ['FP32', 'TF32', 'FP16', 'BF16'], initialMarginTarget: 2e-2, stronger: null },
};

/** The profile new watermarks get when none is asked for (docs/method.md says why). */
export const DEFAULT_SERVING_PROFILE: ServingProfile = 'FP16';

/**
 * A trigger is accepted only when its fp32 margin is at least this many times the largest change
 * any tolerated numerics made to it. The emulation rounds like the hardware but cannot reproduce a
 * GPU's summation order or fused kernels; measured real-vs-emulated gaps are in docs/method.md.
 */
export const SERVING_SAFETY_FACTOR = 3;

export function isServingProfile(value: unknown): value is ServingProfile {
  return typeof value === 'string' && (SERVING_PROFILES as readonly string[]).includes(value);
}
