/**
 * Composition root of the API process: configuration in, a running platform out.
 * Start: database (embedded or external) with migrations, vault, job queue, first-start admin
 * key, HTTP server, then the embedded worker processes (FRAGMARK_WORKERS). Stop: workers, HTTP
 * (drains requests), queue, database.
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { openDatabase } from '../db/database.ts';
import { createApiServer } from '../api/http/http-server.ts';
import { bootstrapPlatformAdmin, type MintedKey } from './bootstrap.ts';
import { openVault } from '../vault/open-vault.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { queueSettingsFrom } from '../jobs/queue-settings.ts';
import { ArtifactStore } from '../registry/artifacts/artifact-store.ts';
import { startWorkerProcesses } from './worker-processes.ts';
import { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { egressPolicyFrom } from '../verifications/endpoints/egress-policy.ts';

const SHRED_SWEEP_MS = 60_000;
const STAGING_MAX_AGE_MS = 3_600_000;

export interface RunningPlatform {
  /** Base URL the server listens on. */
  url: string;
  graphqlUrl: string;
  /** Set on the very first start only. */
  initialAdminKey: MintedKey | null;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, logger: Logger): Promise<RunningPlatform> {
  const database = await openDatabase(config, logger);
  const cleanups: Array<() => Promise<void>> = [() => database.close()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const vault = await openVault(database.db, config, logger);
    const queue = await JobQueue.start(database.url, queueSettingsFrom(config), logger);
    cleanups.push(() => queue.stop(config.http.shutdownTimeoutMs));
    const store = new ArtifactStore(config.artifacts.dir);
    // Staging folders of uploads interrupted by a crash.
    await store.sweepStaging(STAGING_MAX_AGE_MS);
    const issuer = new AttestationIssuer(database.db, vault, config.attestations);
    await issuer.ensureSigningKey();
    const initialAdminKey = await bootstrapPlatformAdmin(database.db);
    const platform = { db: database.db, vault, queue, store, issuer, challenges: config.challenges, egress: egressPolicyFrom(config), candidateTtlMs: config.artifacts.candidateTtlHours * 3_600_000 };
    const api = await createApiServer({ config, platform, logger });
    const url = await api.listen();
    cleanups.push(() => api.close());
    // Deleted tenants whose grace period ends while we run.
    const shredTimer = setInterval(() => {
      vault.shredDue().then(
        (ids) => ids.length > 0 && logger.info('crypto-shredded deleted tenants', { keyrings: ids.length }),
        (error: Error) => logger.error('scheduled crypto-shredding failed', { error }),
      );
    }, SHRED_SWEEP_MS);
    shredTimer.unref();
    cleanups.push(async () => clearInterval(shredTimer));
    const workers = startWorkerProcesses(config.jobs.embeddedWorkers, logger);
    cleanups.push(() => workers.stop());
    logger.info('API listening', { url, database: database.embedded ? 'embedded' : 'external', workers: config.jobs.embeddedWorkers });
    let stopping: Promise<void> | undefined;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      initialAdminKey,
      stop: () =>
        (stopping ??= (async () => {
          logger.info('shutting down');
          await cleanUp();
          logger.info('stopped');
        })()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
