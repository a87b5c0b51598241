/**
 * Starts the monitors' runs that are due. Every worker runs this loop; each due monitor is taken
 * by exactly one of them: its row is locked (FOR UPDATE SKIP LOCKED) in the transaction that
 * creates the run's verification and moves `nextRunAt` on, so a run is started once, and a worker
 * that dies mid-way rolls back and leaves the monitor due for the next tick (none lost, none
 * doubled). Due monitors are taken in batches, one transaction each. The clock is injected:
 * tests drive schedules with `runDue(at)`.
 *
 * A run that cannot start (no READY watermark, the endpoint was removed, no trigger left to
 * sample) is recorded on the monitor (`lastRunError`) and the schedule moves on.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Monitor } from '../db/generated/client.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { Vault } from '../vault/vault.ts';
import { DomainError } from '../errors/domain-error.ts';
import { findEnrollment } from '../verifications/enrollment/enrollments.repository.ts';
import { createVerification } from '../verifications/create-verification.ts';
import type { ResolvedEndpoint } from '../registry/endpoints.service.ts';
import { nextRunAfter } from './monitor-schedule.ts';
import { drawTriggerSample } from './trigger-sample.ts';
import { MonitoringError } from './monitoring.errors.ts';
import { monitoredEndpoint, monitoredVersion, newestReadyWatermark, recordRun, takeDueMonitors } from './monitors.repository.ts';

export interface MonitorSchedulerDeps {
  db: Database;
  queue: JobQueue;
  vault: Vault;
  logger: Logger;
  /** Default: the system clock. */
  now?: () => Date;
  random?: () => number;
}

export interface TickResult {
  /** Runs started (a verification each). */
  started: number;
  /** Due monitors whose run could not start (recorded on the monitor). */
  refused: number;
}

/** Most runs one tick starts; the rest wait for the next tick (which comes at once: see start()). */
const MAX_RUNS_PER_TICK = 500;
/** Runs started per transaction. */
const BATCH_SIZE = 50;
/** A batch's transaction may take this long (Prisma's default, 5 s, is tight on a loaded database). */
const BATCH_TIMEOUT_MS = 30_000;

export class MonitorScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopped = false;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly deps: MonitorSchedulerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
  }

  /**
   * Starts every run due at `at`, up to `limit`: batches of due monitors, each batch in one
   * transaction (one commit per batch, not per run: a tick over a thousand monitors took 100 s
   * run by run). A batch whose transaction fails (a database error) is retried next tick.
   */
  async runDue(at: Date = this.now(), limit = MAX_RUNS_PER_TICK): Promise<TickResult> {
    const result: TickResult = { started: 0, refused: 0 };
    // Monitors of batches that failed this tick: retried next tick, not in a loop.
    const skipped: string[] = [];
    while (result.started + result.refused < limit) {
      let taken: string[] = [];
      let outcomes: Array<'started' | 'refused'>;
      try {
        outcomes = await this.deps.db.$transaction(
          async (tx) => {
            const monitors = await takeDueMonitors(tx, at, skipped, Math.min(BATCH_SIZE, limit - result.started - result.refused));
            taken = monitors.map((m) => m.id);
            const done: Array<'started' | 'refused'> = [];
            // Monitors of one version share its version, watermark and enrollment lookups.
            const lookups = new Map<string, Promise<unknown>>();
            for (const monitor of monitors) done.push(await this.runOne(tx, monitor, at, lookups));
            return done;
          },
          { timeout: BATCH_TIMEOUT_MS },
        );
      } catch (error) {
        if (taken.length === 0) throw error; // the database itself failed: the tick ends
        skipped.push(...taken);
        this.deps.logger.error('monitor runs could not be started; retried next tick', { error: error as Error, monitors: taken.length });
        continue;
      }
      if (outcomes.length === 0) break;
      for (const outcome of outcomes) result[outcome]++;
    }
    return result;
  }

  /** Runs `runDue` every `tickSeconds` until stop(); a full tick is followed by another at once. */
  start(tickSeconds: number): void {
    const loop = async () => {
      if (this.stopped) return;
      let full = false;
      try {
        this.ticking = this.runDue();
        const { started, refused } = (await this.ticking) as TickResult;
        full = started + refused >= MAX_RUNS_PER_TICK;
      } catch (error) {
        this.deps.logger.error('monitor tick failed', { error: error as Error });
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), full ? 0 : tickSeconds * 1000);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
  }

  private async runOne(tx: Transaction, monitor: Monitor, at: Date, lookups: Map<string, Promise<unknown>>): Promise<'started' | 'refused'> {
    const nextRunAt = nextRunAfter(monitor, monitor.anchorAt, at, this.random);
    try {
      const verification = await startRun(tx, this.deps, monitor, lookups);
      await recordRun(tx, monitor.id, { lastRunAt: at, nextRunAt, lastRunError: null });
      this.deps.logger.info('monitor run started', { monitorId: monitor.id, verificationId: verification.id });
      return 'started';
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await recordRun(tx, monitor.id, { lastRunAt: at, nextRunAt, lastRunError: error.message });
      this.deps.logger.warn('monitor run not started', { monitorId: monitor.id, reason: error.message });
      return 'refused';
    }
  }
}

/**
 * Creates the run's verification: against the version's newest READY watermark, of the monitored
 * endpoint (on its enrolled triggers) or the registered artifact, on a fresh sample if the monitor
 * samples. Reads are scoped to the monitor's tenant by hand: the scheduler acts for every tenant.
 */
async function startRun(tx: Transaction, deps: MonitorSchedulerDeps, monitor: Monitor, lookups: Map<string, Promise<unknown>>) {
  const { tenantId } = monitor;
  // Within one batch (one transaction), the same question gets the same answer: asked once.
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    if (!lookups.has(key)) lookups.set(key, ask());
    return lookups.get(key) as Promise<T>;
  };
  const version = await once(`version ${tenantId} ${monitor.modelVersionId}`, () => monitoredVersion(tx, tenantId, monitor.modelVersionId));
  if (!version) throw new MonitoringError('MONITOR_NOT_FOUND', 'The monitored version no longer exists.');
  const watermark = await once(`watermark ${tenantId} ${version.id}`, () =>
    newestReadyWatermark(tx, tenantId, version.id),
  );
  if (!watermark) throw new MonitoringError('INVALID_MONITOR_INPUT', 'The version has no READY watermark to check against.');
  let endpoint: ResolvedEndpoint | null = null;
  if (monitor.mode === 'ENDPOINT') {
    const registered = await monitoredEndpoint(tx, tenantId, monitor.endpointId!);
    if (!registered || registered.removedAt) throw new MonitoringError('INVALID_MONITOR_INPUT', 'The monitored endpoint was removed.');
    const { url, protocol, modelName, inputFormat } = registered;
    endpoint = { registered, url, protocol, modelName, inputFormat, adHocCredential: null };
  } else if (version.status !== 'READY') {
    throw new MonitoringError('INVALID_MONITOR_INPUT', 'The version has no artifact to check.');
  }
  const enrollment = endpoint
    ? await once(`enrollment ${watermark.id} ${endpoint.url} ${endpoint.protocol} ${endpoint.modelName} ${endpoint.inputFormat}`, () =>
        findEnrollment(tx, {
          watermarkId: watermark.id,
          endpointUrl: endpoint.url,
          endpointProtocol: endpoint.protocol,
          endpointModelName: endpoint.modelName,
          endpointInputFormat: endpoint.inputFormat,
        }),
      )
    : null;
  let sampledIndices: number[] = [];
  if (monitor.triggerSample !== null) {
    const available = enrollment?.stableIndices ?? Array.from({ length: watermark.triggerCount }, (_, i) => i);
    sampledIndices = drawTriggerSample(available, watermark.revealedIndices, monitor.triggerSample);
    if (sampledIndices.length === 0) throw new MonitoringError('INVALID_MONITOR_INPUT', 'No trigger is left to sample: challenges revealed every enrolled trigger. Make a new watermark.');
  }
  return createVerification(tx, deps.queue, deps.vault, {
    tenantId,
    modelVersionId: version.id,
    watermark,
    mode: monitor.mode === 'ENDPOINT' ? 'ENDPOINT' : 'ARTIFACT',
    endpoint,
    enrollment,
    sampledIndices,
    monitorId: monitor.id,
    apiKeyId: null,
  });
}
