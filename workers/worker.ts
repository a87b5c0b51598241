/**
 * A worker process (`fragmark worker`, `npm run worker`): takes watermark, verification, enrollment and rewrap jobs and
 * runs them with the engine on the best TF.js backend here (GPU when tfjs-node-gpu is installed).
 * Workers share nothing with the API but PostgreSQL (and the artifact store), so any number of
 * them can run on any hosts. SIGTERM: stop taking jobs, let the running one finish for up to the
 * shutdown timeout; after that its heartbeat stops and another worker takes it over.
 */
import { hostname } from 'node:os';
import type { Config } from '../src/config/config.ts';
import type { Logger } from '../src/logging/logger.ts';
import { openDatabase } from '../src/db/database.ts';
import { openVault } from '../src/vault/open-vault.ts';
import { JobQueue, QUEUES } from '../src/jobs/job-queue.ts';
import { JobRuntime } from '../src/jobs/job-runtime.ts';
import { queueSettingsFrom } from '../src/jobs/queue-settings.ts';
import { ArtifactStore } from '../src/registry/artifacts/artifact-store.ts';
import { runWatermarkJob } from '../src/watermarks/watermark-job.ts';
import { initBackend } from '../src/engine/index.ts';
import { runVerificationJob } from '../src/verifications/verification-job.ts';
import { runRewrapJob } from '../src/vault/rewrap-job.ts';
import { runEnrollmentJob } from '../src/verifications/enrollment/enrollment-job.ts';
import { AttestationIssuer } from '../src/attestations/attestation-issuer.ts';
import { egressPolicyFrom } from '../src/verifications/endpoints/egress-policy.ts';

export interface RunningWorker {
  workerId: string;
  backend: string;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const workerId = `${hostname()}:${process.pid}`;
  const log = logger.child({ component: 'worker', workerId });
  const database = await openDatabase(config, log);
  try {
    const vault = await openVault(database.db, config, log);
    const backend = await initBackend({ backend: config.engine.backend, wasmThreads: config.engine.wasmThreads, log: (message) => log.info(message) });
    const settings = queueSettingsFrom(config);
    const queue = await JobQueue.start(database.url, settings, log);
    const store = new ArtifactStore(config.artifacts.dir);
    const issuer = new AttestationIssuer(database.db, vault, config.attestations);
    // Endpoint queries may reach only the addresses the egress policy allows (FRAGMARK_EGRESS_ALLOW).
    const egress = egressPolicyFrom(config);
    const deps = { db: database.db, vault, store, issuer, logger: log, workerId, egress, engine: config.engine };
    const runtime = new JobRuntime(queue, database.db, log, { retryLimit: settings.retryLimit });
    // CPU work (generation) and I/O work (endpoint queries) have their own slots.
    await runtime.work(QUEUES.WATERMARK, config.jobs.workerConcurrency, (job) => runWatermarkJob(deps, job));
    await runtime.work(QUEUES.REWRAP, 1, (job) => runRewrapJob(deps, job));
    await runtime.work(QUEUES.VERIFY, config.jobs.ioConcurrency, (job) => runVerificationJob(deps, job));
    await runtime.work(QUEUES.ENROLL, config.jobs.ioConcurrency, (job) => runEnrollmentJob(deps, job));
    log.info('worker ready', { backend: backend.choice, concurrency: config.jobs.workerConcurrency, ioConcurrency: config.jobs.ioConcurrency });
    let stopping: Promise<void> | undefined;
    return {
      workerId,
      backend: backend.choice,
      stop: () =>
        (stopping ??= (async () => {
          log.info('worker stopping');
          // Running jobs get half the timeout to finish; the rest are handed back to the queue.
          await runtime.stop(config.http.shutdownTimeoutMs / 2, config.http.shutdownTimeoutMs);
          await database.close();
        })()),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
