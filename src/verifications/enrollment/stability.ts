/**
 * Which triggers a serving stack answers stably with their key label (issue 15, enrollment).
 *
 * A deployment may compute differently from the numerics its watermark's profile emulates (another
 * GPU, kernel or batch size). Enrollment asks it for every trigger several times, shuffled, at
 * different batch sizes; a trigger whose answers vary is unstable there, and one answered with the
 * same wrong label every time is mismatched. Both are left out of that endpoint's later checks.
 */

export interface StabilityResult {
  /** Triggers answered with their key label in every round, ascending. */
  readonly stable: number[];
  /** Triggers whose label changed between rounds. */
  readonly unstable: number;
  /** Triggers answered with the same wrong label in every round. */
  readonly mismatched: number;
}

/** `rounds[r][i]`: the label round r got for trigger i. */
export function assessStability(rounds: readonly ArrayLike<number>[], keyLabels: ArrayLike<number>): StabilityResult {
  if (rounds.length === 0) throw new Error('assessStability needs at least one round');
  const stable: number[] = [];
  let unstable = 0;
  let mismatched = 0;
  for (let i = 0; i < keyLabels.length; i++) {
    const first = rounds[0]![i]!;
    if (rounds.some((r) => r[i] !== first)) unstable++;
    else if (first !== keyLabels[i]) mismatched++;
    else stable.push(i);
  }
  return { stable, unstable, mismatched };
}

/** min and median of the given values, or null when there are none. */
export function marginSummary(values: readonly number[]): { min: number; median: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}
