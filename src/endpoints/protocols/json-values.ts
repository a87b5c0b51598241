/** JSON values as the protocols write and read them (shared by every codec). */
import { badAnswer, RequestRefused } from './protocol-codec.ts';

/**
 * Exact JSON text of a finite float32 value: the shortest decimal of its exact value as a double
 * (`-0.0` for negative zero), so a server parsing into float32 or float64 gets our exact bits.
 */
export function float32Json(v: number): string {
  if (v === 0 && Object.is(v, -0)) return '-0.0';
  return String(v);
}

/** JSON text of one input value: integers for 8-bit levels, exact decimals for float32. */
export function valueJson(data: Float32Array | Uint8Array, i: number): string {
  return data instanceof Uint8Array ? String(data[i]!) : float32Json(data[i]!);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A score of an answer: a finite number, else ENDPOINT_BAD_RESPONSE naming where. */
export function finiteScore(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badAnswer(`non-finite or non-numeric score at ${where}`);
  return v;
}

/** Writes the values of a nested array of exactly `shape` into `out` from `pos`; returns the new position. */
export function readNested(value: unknown, shape: readonly number[], d: number, out: Float32Array, pos: number, where: string, read: (v: unknown, where: string) => number): number {
  if (!Array.isArray(value) || value.length !== shape[d]) throw new RequestRefused(`${where} must be an array of length ${shape[d]}`);
  if (d === shape.length - 1) {
    for (let i = 0; i < value.length; i++) out[pos++] = read(value[i], `${where}[${i}]`);
    return pos;
  }
  for (let i = 0; i < value.length; i++) pos = readNested(value[i], shape, d + 1, out, pos, `${where}[${i}]`, read);
  return pos;
}
