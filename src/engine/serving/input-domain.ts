/**
 * The input domain of a model: the values its deployment accepts, which every trigger must lie in.
 *
 * Triggers outside the domain cannot be sent to a real endpoint (an image endpoint clips to
 * [0, 1] or takes 8-bit pixels, and both destroy them), and stand out from real traffic. So a
 * model version declares its domain and triggers are generated inside it:
 * - `FLOAT32`: any float32 value in [min, max];
 * - `UINT8`: the 256 evenly spaced levels min + (max - min) * q / 255, q = 0..255, what image
 *   endpoints take as 8-bit pixels. Level q is the float32 nearest to that real number (for
 *   [0, 1]: q / 255 rounded once, which is what a float32 division q / 255.0 on the server gives).
 * `UNBOUNDED_DOMAIN` (min -inf, max +inf, FLOAT32) is what watermarks made before domains existed use.
 */
import { EngineError } from '../errors.ts';

export type InputEncoding = 'FLOAT32' | 'UINT8';

export interface InputDomain {
  readonly min: number;
  readonly max: number;
  readonly encoding: InputEncoding;
}

/** The default for new model versions: images scaled to [0, 1], sent as float32. */
export const DEFAULT_INPUT_DOMAIN: InputDomain = Object.freeze({ min: 0, max: 1, encoding: 'FLOAT32' });
/** Watermarks made before input domains existed: any finite float32. */
export const UNBOUNDED_DOMAIN: InputDomain = Object.freeze({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, encoding: 'FLOAT32' });

export const UINT8_LEVELS = 256;

/** Largest |min|, |max| accepted: far beyond any input scaling, well inside float32. */
const MAX_ABS_BOUND = 1e6;

export function isBounded(domain: InputDomain): boolean {
  return Number.isFinite(domain.min) && Number.isFinite(domain.max);
}

/** Checks a domain given by a user; throws INVALID_ARGUMENT with the reason. */
export function validateInputDomain(domain: InputDomain): InputDomain {
  const { min, max, encoding } = domain;
  if (encoding !== 'FLOAT32' && encoding !== 'UINT8') throw new EngineError('INVALID_ARGUMENT', `input encoding must be FLOAT32 or UINT8 (got ${String(encoding)})`);
  if (!isBounded(domain)) {
    if (min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY && encoding === 'FLOAT32') return UNBOUNDED_DOMAIN;
    throw new EngineError('INVALID_ARGUMENT', 'an input range needs finite min and max (only the legacy unbounded FLOAT32 domain has none)');
  }
  if (Math.abs(min) > MAX_ABS_BOUND || Math.abs(max) > MAX_ABS_BOUND) throw new EngineError('INVALID_ARGUMENT', `input range bounds must be within ±${MAX_ABS_BOUND}`);
  if (Math.fround(min) !== min || Math.fround(max) !== max) throw new EngineError('INVALID_ARGUMENT', 'input range bounds must be float32 values');
  if (!(max > min)) throw new EngineError('INVALID_ARGUMENT', `input range needs min < max (got [${min}, ${max}])`);
  if (encoding === 'UINT8' && !(levelValue(domain, 1) > levelValue(domain, 0))) throw new EngineError('INVALID_ARGUMENT', 'input range is too narrow for 256 distinct float32 levels');
  return Object.freeze({ min, max, encoding });
}

/** The float32 value of level q (0..255) of a UINT8 domain. */
export function levelValue(domain: InputDomain, q: number): number {
  return Math.fround(domain.min + ((domain.max - domain.min) * q) / (UINT8_LEVELS - 1));
}

/** The nearest level (0..255) to a value (clamped to the range). */
export function nearestLevel(domain: InputDomain, value: number): number {
  const q = Math.round(((value - domain.min) / (domain.max - domain.min)) * (UINT8_LEVELS - 1));
  return Math.min(UINT8_LEVELS - 1, Math.max(0, q));
}

/** Clamps into [min, max] and, for UINT8, moves to the nearest level; in place. */
export function projectToDomain(domain: InputDomain, values: Float32Array): Float32Array {
  if (domain.encoding === 'UINT8') {
    for (let i = 0; i < values.length; i++) values[i] = levelValue(domain, nearestLevel(domain, values[i]!));
    return values;
  }
  for (let i = 0; i < values.length; i++) values[i] = Math.min(domain.max, Math.max(domain.min, values[i]!));
  return values;
}

/** Index of the first value outside the domain (off the grid, for UINT8), or -1. */
export function firstOutsideDomain(domain: InputDomain, values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= domain.min && v <= domain.max)) return i;
    if (domain.encoding === 'UINT8' && levelValue(domain, nearestLevel(domain, v)) !== v) return i;
  }
  return -1;
}

/** The 8-bit levels of values that lie on a UINT8 domain's grid (what an image endpoint is sent). */
export function toLevels(domain: InputDomain, values: Float32Array): Uint8Array {
  if (domain.encoding !== 'UINT8') throw new EngineError('INVALID_ARGUMENT', 'only a UINT8 domain has levels');
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = nearestLevel(domain, values[i]!);
    if (levelValue(domain, q) !== values[i]) throw new EngineError('INVALID_ARGUMENT', `value ${values[i]} at ${i} is not on the input grid`);
    out[i] = q;
  }
  return out;
}

/** Share of values at the range limits (a stealth figure: real images rarely saturate). */
export function shareAtLimits(domain: InputDomain, values: Float32Array): number {
  if (!isBounded(domain) || values.length === 0) return 0;
  let n = 0;
  for (const v of values) if (v <= domain.min || v >= domain.max) n++;
  return n / values.length;
}

/** JSON form (infinite bounds as null) for trigger-set headers, records and attestations. */
export function domainToJson(domain: InputDomain): { min: number | null; max: number | null; encoding: InputEncoding } {
  return { min: Number.isFinite(domain.min) ? domain.min : null, max: Number.isFinite(domain.max) ? domain.max : null, encoding: domain.encoding };
}

export function domainFromJson(json: unknown): InputDomain {
  if (json === null || json === undefined) return UNBOUNDED_DOMAIN;
  const o = json as { min?: unknown; max?: unknown; encoding?: unknown };
  const min = o.min === null || o.min === undefined ? Number.NEGATIVE_INFINITY : Number(o.min);
  const max = o.max === null || o.max === undefined ? Number.POSITIVE_INFINITY : Number(o.max);
  return validateInputDomain({ min, max, encoding: (o.encoding ?? 'FLOAT32') as InputEncoding });
}
