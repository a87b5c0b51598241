/**
 * Runs the candidate collector (candidate-collector.ts), then garbage collection of unreferenced
 * blobs (artifact-gc.ts), in a worker process: once shortly after start, then every `intervalMs`. Every worker runs it; concurrent sweeps are safe (rows are
 * locked one by one, deleting a blob twice is a no-op), so there is no leader to elect. A failed
 * sweep is logged and the next one tries again.
 */
import type { Logger } from '../../logging/logger.ts';
import { BLOB_GRACE_MS, collectExpiredCandidates, type CandidateCollectorDeps } from './candidate-collector.ts';
import { collectUnreferencedBlobs } from './artifact-gc.ts';

export const CANDIDATE_SWEEP_MS = 3_600_000;
const FIRST_SWEEP_MS = 30_000;

export interface CandidateCollector {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function startCandidateCollector(deps: CandidateCollectorDeps & { logger: Logger }, intervalMs: number = CANDIDATE_SWEEP_MS): CandidateCollector {
  let running: Promise<void> | undefined;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return;
    running = collectExpiredCandidates(deps)
      .then(
        (collected) => {
          if (collected.candidates > 0 || collected.inUse > 0) deps.logger.info('expired candidate artifacts collected', { ...collected });
        },
        (error: Error) => deps.logger.error('collecting expired candidate artifacts failed', { error }),
      )
      .then(() => (stopped ? undefined : collectUnreferencedBlobs(deps.db, deps.store.store, BLOB_GRACE_MS)))
      .then(
        (blobs) => {
          if (blobs !== undefined && blobs.deleted > 0) deps.logger.info('unreferenced artifact blobs collected', { ...blobs });
        },
        (error: Error) => deps.logger.error('collecting unreferenced artifact blobs failed', { error }),
      )
      .finally(() => (running = undefined));
  };
  const first = setTimeout(sweep, Math.min(FIRST_SWEEP_MS, intervalMs));
  const timer = setInterval(sweep, intervalMs);
  first.unref();
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
