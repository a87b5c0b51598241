/** Pieces several objectives share. */
import { EngineError } from '../../errors.ts';
import { projectToDomain, type InputDomain } from '../../serving/input-domain.ts';
import type { ServingProfile } from '../../serving/profiles.ts';
import type { LossKind } from '../loss.ts';
import type { RefineContext, Refined } from './objective.ts';

/** The paper's early stop: every trigger has its key label (AccTri 100%). */
export function allCorrect(margins: Float32Array): boolean {
  for (const m of margins) if (!(m > 0)) return false;
  return true;
}

/** No refinement beyond the warm start: the triggers as accepted, rounded onto an 8-bit grid if the domain has one. */
export async function asAccepted(context: RefineContext): Promise<Refined> {
  const data = context.domain.encoding === 'UINT8' ? projectToDomain(context.domain, Float32Array.from(context.data)) : context.data;
  return { data, margins: context.margins };
}

/**
 * Objectives that hold one fixed margin cannot follow another profile's numerics, and have no
 * search over an 8-bit grid: refused up front rather than failing after generation.
 */
export function fixedMarginOnly(kind: LossKind, domain: InputDomain, profile: ServingProfile): void {
  if (profile !== 'FP32_EXACT') {
    throw new EngineError('INVALID_ARGUMENT', `${kind} triggers keep a fixed margin and support only the FP32_EXACT profile; JUNCTION (the default) follows the ${profile} profile's numerics`);
  }
  if (domain.encoding === 'UINT8') {
    throw new EngineError('INVALID_ARGUMENT', `${kind} triggers cannot be placed on an 8-bit input grid; use JUNCTION (the default)`);
  }
}

export function positiveMarginTarget(value: number | undefined, fallback: number): number {
  const marginTarget = value ?? fallback;
  if (!Number.isFinite(marginTarget) || marginTarget <= 0) throw new EngineError('INVALID_ARGUMENT', `marginTarget must be > 0`);
  return marginTarget;
}
