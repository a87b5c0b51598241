/**
 * Kernel times of a `tf.profile` result, summed per kernel with its input shapes (bench/step-profile.ts,
 * bench/kernel-speed.ts), and the same per kernel name.
 */
import type * as tf from '@tensorflow/tfjs';

export type KernelTimes = Map<string, { ms: number; calls: number }>;

/** Adds the profile's kernels to `byShape`, keyed "Name [input shapes]". */
export async function addKernelTimes(byShape: KernelTimes, profile: Awaited<ReturnType<typeof tf.profile>>): Promise<void> {
  for (const k of profile.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const entry = byShape.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += (await k.kernelTimeMs) as number;
    entry.calls++;
    byShape.set(key, entry);
  }
}

/** The times of `byShape` per kernel name. */
export function byKernelName(byShape: KernelTimes): KernelTimes {
  const byName: KernelTimes = new Map();
  for (const [key, v] of byShape) {
    const name = key.split(' ')[0]!;
    const e = byName.get(name) ?? { ms: 0, calls: 0 };
    byName.set(name, { ms: e.ms + v.ms, calls: e.calls + v.calls });
  }
  return byName;
}
