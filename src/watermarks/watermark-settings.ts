/**
 * What a watermark request may ask for, with the defaults the engine recommends
 * (src/engine/README.md explains the objectives and their measured fragility).
 */
import { DEFAULT_LOSS, DEFAULT_SERVING_PROFILE, DEFAULT_TRIGGER_COUNT, isServingProfile, PAPER_LAMBDA, SERVING_PROFILES, type LossKind, type ServingProfile } from '../engine/index.ts';
import type { VerdictPolicy } from '../engine/index.ts';
import { WatermarksError } from './watermarks.errors.ts';
import { MIN_STANDARD_TRIGGERS } from './watermark-strength.ts';
import { MAX_SECRET_BYTES } from '../vault/vault.ts';

export const WATERMARK_SCHEME = 'fragmark-fragile-trigger/1';
export const TRIGGER_METHODS = ['CE_ONLY', 'CE_VARIANCE', 'MARGIN', 'SENSITIVE', 'JUNCTION'] as const satisfies readonly LossKind[];
export type TriggerMethod = (typeof TRIGGER_METHODS)[number];

/** The engine's verdict policy; a watermark request may tolerate less than the engine can (below 0.5). */
export type { VerdictPolicy };

export interface WatermarkSettings {
  triggerCount: number;
  method: TriggerMethod;
  lambda: number;
  maxSteps: number;
  policy: VerdictPolicy;
  /** Numerics the triggers must survive (docs/method.md, "Serving profiles"). */
  profile: ServingProfile;
  /** A weak watermark is accepted (watermark-strength.ts): fewer triggers, or no measured sensitivity. */
  allowWeak: boolean;
}

export interface WatermarkRequest {
  triggerCount?: number | null;
  method?: string | null;
  lambda?: number | null;
  maxSteps?: number | null;
  /** Mismatch fraction tolerated before TAMPERED; 0 or absent = strict (any mismatch). */
  tolerance?: number | null;
  /** Serving profile; default DEFAULT_SERVING_PROFILE. */
  profile?: string | null;
  /** Accept a weak watermark; default false. */
  allowWeak?: boolean | null;
}

export const DEFAULT_MAX_STEPS = 300;

/** Bytes of an encoded trigger set besides its triggers: framing, digest, and the header at its largest (engine triggers/format.ts). */
const TRIGGER_SET_FRAME_BYTES = 14 + 32 + (1 << 20);

/**
 * Most triggers of this input shape whose set the vault seals in one piece (MAX_SECRET_BYTES):
 * each takes its float32 values and a 2-byte label. At 224x224x3 that is 221; checked before
 * anything is generated, so a request too large fails at once, not after an hour of generation.
 */
export function maxTriggersFor(inputShape: readonly number[]): number {
  const values = inputShape.reduce((a, b) => a * b, 1);
  return Math.floor((MAX_SECRET_BYTES - TRIGGER_SET_FRAME_BYTES) / (4 * values + 2));
}

export function resolveWatermarkSettings(request: WatermarkRequest): WatermarkSettings {
  const triggerCount = request.triggerCount ?? DEFAULT_TRIGGER_COUNT;
  if (!Number.isInteger(triggerCount) || triggerCount < 10 || triggerCount > 1000) {
    throw new WatermarksError('INVALID_WATERMARK_INPUT', 'triggerCount must be between 10 and 1000.', ['input', 'triggerCount']);
  }
  const allowWeak = request.allowWeak ?? false;
  if (triggerCount < MIN_STANDARD_TRIGGERS && !allowWeak) {
    throw new WatermarksError(
      'WATERMARK_TOO_WEAK',
      `${triggerCount} triggers make a weak watermark: fewer than ${MIN_STANDARD_TRIGGERS} can miss a change that flips only some of them. ` +
        `Ask for at least ${MIN_STANDARD_TRIGGERS} triggers, or pass allowWeak: true (fragmark watermark --allow-weak) to accept it with tokens marked weak.`,
      ['input', 'triggerCount'],
    );
  }
  const method = (request.method ?? DEFAULT_LOSS.kind) as TriggerMethod;
  if (!(TRIGGER_METHODS as readonly string[]).includes(method)) {
    throw new WatermarksError('INVALID_WATERMARK_INPUT', `method must be one of ${TRIGGER_METHODS.join(', ')}.`, ['input', 'method']);
  }
  const lambda = request.lambda ?? PAPER_LAMBDA;
  if (!(lambda >= 0 && lambda <= 10_000)) throw new WatermarksError('INVALID_WATERMARK_INPUT', 'lambda must be between 0 and 10000.', ['input', 'lambda']);
  const maxSteps = request.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 5000) {
    throw new WatermarksError('INVALID_WATERMARK_INPUT', 'maxSteps must be between 1 and 5000.', ['input', 'maxSteps']);
  }
  const tolerance = request.tolerance ?? 0;
  if (!(tolerance >= 0 && tolerance < 0.5)) {
    throw new WatermarksError('INVALID_WATERMARK_INPUT', 'tolerance must be at least 0 and below 0.5.', ['input', 'tolerance']);
  }
  const policy: VerdictPolicy = tolerance === 0 ? { kind: 'strict' } : { kind: 'tolerance', maxMismatchFraction: tolerance };
  const profile = request.profile ?? DEFAULT_SERVING_PROFILE;
  if (!isServingProfile(profile)) {
    throw new WatermarksError('INVALID_WATERMARK_INPUT', `profile must be one of ${SERVING_PROFILES.join(', ')}.`, ['input', 'profile']);
  }
  return { triggerCount, method, lambda, maxSteps, policy, profile, allowWeak };
}
