/**
 * A worker process (`fragmark worker`, `npm run worker`): takes watermark, verification, enrollment, rewrap and webhook jobs and
 * runs them with the engine on the best TF.js backend here (GPU when tfjs-node-gpu is installed).
 * Workers share nothing with the API but PostgreSQL (and the artifact store, by default in
 * PostgreSQL too), so any number of them can run on any hosts. A worker refuses to start (exit 78)
 * when it cannot read the API's artifact store or no public issuer URL is recorded (public-issuer.ts). SIGTERM: stop taking jobs, let running ones finish for half the
 * shutdown timeout, then hand the rest back to the queue (src/jobs/job-runtime.ts).
 */
import { hostname } from 'node:os';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { QUEUE_OF_KIND, QUEUE_RESOURCE } from '../jobs/job-queue.ts';
import { JOB_DEFINITIONS } from './job-definitions.ts';
import { verificationListeners } from './verification-listeners.ts';
import { JobRuntime } from '../jobs/job-runtime.ts';
import { initBackend } from '../engine/index.ts';
import { buildPlatform } from './platform.ts';
import { giveUpJob } from './give-up-job.ts';
import { startCandidateCollector } from '../registry/artifacts/candidate-expiry.ts';
import { MonitorScheduler } from '../monitoring/scheduler.ts';
import { processMetrics } from '../metrics/metrics.ts';
import { startMetricsListener, type MetricsListener } from '../metrics/metrics-endpoint.ts';
import { parseAllowList } from '../common/ip-addresses.ts';
import { storeProbeProblem } from '../registry/artifacts/store-probe.ts';
import { StartRefusal } from './public-issuer.ts';

export interface RunningWorker {
  workerId: string;
  backend: string;
  /** Where this worker serves /metrics (FRAGMARK_METRICS_PORT); null when it serves none. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const workerId = `${hostname()}:${process.pid}`;
  const log = logger.child({ component: 'worker', workerId });
  const built = await buildPlatform(config, log, { listen: true, role: 'worker' });
  const { platform } = built;
  let metricsListener: MetricsListener | undefined;
  try {
    // Refuse to take jobs whose artifacts this worker could not read (issue 21, item 9).
    const storeProblem = await storeProbeProblem(built.database.db, platform.store.store);
    if (storeProblem !== undefined) throw new StartRefusal(`This worker cannot read the platform's artifact store: ${storeProblem}.`);
    const backend = await initBackend({ backend: config.engine.backend, wasmThreads: config.engine.wasmThreads, log: (message) => log.info(message) });
    const { db, vault, store, issuer, egress, queue } = platform;
    const deps = { db, vault, store, issuer, logger: log, workerId, egress, engine: config.engine, verificationListeners: verificationListeners(platform), queue, webhooks: config.webhooks };
    const runtime = new JobRuntime(queue, db, log, { retryLimit: queue.settings.retryLimit, giveUp: giveUpJob(db) });
    // CPU work (generation) and I/O work (endpoint queries) have their own slots.
    const slots = { CPU: config.jobs.workerConcurrency, IO: config.jobs.ioConcurrency };
    for (const definition of JOB_DEFINITIONS) {
      const queue = QUEUE_OF_KIND[definition.kind];
      const concurrency = Math.min(slots[QUEUE_RESOURCE[queue]], definition.maxConcurrency ?? Infinity);
      await runtime.work(queue, concurrency, (job) => definition.run(deps, job));
    }
    if (config.metrics.workerPort !== undefined) {
      metricsListener = await startMetricsListener({
        host: config.metrics.workerHost,
        port: config.metrics.workerPort,
        registry: processMetrics.registry,
        allow: parseAllowList(config.metrics.allow.join(',')),
      });
    }
    log.info('worker ready', {
      metrics: metricsListener?.url ?? null,
      artifactStore: platform.store.store.location,
      issuer: issuer.settings.issuer,
      backend: backend.choice,
      concurrency: config.jobs.workerConcurrency,
      ioConcurrency: config.jobs.ioConcurrency,
    });
    // Every worker starts the monitors' due runs; each run is taken by one of them (scheduler.ts).
    const scheduler = new MonitorScheduler({ db, queue, vault, logger: log });
    scheduler.start(config.monitoring.tickSeconds);
    const candidates = startCandidateCollector({ db, store, logger: log, maxAgeMs: config.artifacts.candidateTtlHours * 3_600_000 });
    let stopping: Promise<void> | undefined;
    return {
      workerId,
      backend: backend.choice,
      metricsUrl: metricsListener?.url ?? null,
      stop: () =>
        (stopping ??= (async () => {
          log.info('worker stopping');
          await scheduler.stop();
          await candidates.stop();
          // Running jobs get half the timeout to finish; the rest are handed back to the queue.
          await runtime.stop(config.http.shutdownTimeoutMs / 2, config.http.shutdownTimeoutMs);
          await built.close();
          await metricsListener?.close();
        })()),
    };
  } catch (error) {
    await metricsListener?.close();
    await built.close();
    throw error;
  }
}
