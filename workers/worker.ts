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
import { queueSettingsFrom } from '../src/jobs/queue-settings.ts';
import { ArtifactStore } from '../src/registry/artifacts/artifact-store.ts';
import { runWatermarkJob } from '../src/watermarks/watermark-job.ts';
import { initBackend } from '../src/engine/index.ts';
import { runVerificationJob } from '../src/verifications/verification-job.ts';
import { runRewrapJob } from '../src/vault/rewrap-job.ts';
import { runEnrollmentJob } from '../src/verifications/enrollment/enrollment-job.ts';
import { AttestationIssuer } from '../src/attestations/attestation-issuer.ts';
import { egressPolicyFrom } from '../src/verifications/endpoints/egress-policy.ts';
import { startCandidateCollector } from '../src/registry/artifacts/candidate-expiry.ts';

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
    const deps = { db: database.db, vault, store, issuer, logger: log, workerId, retryLimit: settings.retryLimit, egress };
    await queue.work(QUEUES.WATERMARK, config.jobs.workerConcurrency, (job) =>
      runWatermarkJob(deps, { id: job.id, retryCount: job.retryCount, signal: job.signal }),
    );
    await queue.work(QUEUES.VERIFY, config.jobs.workerConcurrency, (job) =>
      runVerificationJob(deps, { id: job.id, retryCount: job.retryCount, signal: job.signal }),
    );
    await queue.work(QUEUES.ENROLL, config.jobs.workerConcurrency, (job) =>
      runEnrollmentJob(deps, { id: job.id, retryCount: job.retryCount, signal: job.signal }),
    );
    await queue.work(QUEUES.REWRAP, 1, (job) => runRewrapJob(deps, { id: job.id, retryCount: job.retryCount, signal: job.signal }));
    log.info('worker ready', { backend: backend.choice, concurrency: config.jobs.workerConcurrency });
    const candidates = startCandidateCollector({ db: database.db, store, logger: log, maxAgeMs: config.artifacts.candidateTtlHours * 3_600_000 });
    let stopping: Promise<void> | undefined;
    return {
      workerId,
      backend: backend.choice,
      stop: () =>
        (stopping ??= (async () => {
          log.info('worker stopping');
          await candidates.stop();
          await queue.stop(config.http.shutdownTimeoutMs);
          await database.close();
        })()),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
