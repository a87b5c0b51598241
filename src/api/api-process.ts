/**
 * The API process (`fragmark serve`): the platform (app/platform.ts), then the first-start admin
 * key, the HTTP server, and the embedded worker processes (FRAGMARK_WORKERS). Stop: the API
 * drains (503) while the workers hand their jobs back, then the queue and the database close.
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { createApiServer } from './http/http-server.ts';
import { bootstrapPlatformAdmin, type MintedKey } from '../app/bootstrap.ts';
import { buildPlatform } from '../app/platform.ts';
import { startWorkerProcesses } from '../app/worker-processes.ts';

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

export async function startApiProcess(config: Config, logger: Logger): Promise<RunningPlatform> {
  const built = await buildPlatform(config, logger);
  const { platform, database } = built;
  const { vault } = platform;
  const cleanups: Array<() => Promise<void>> = [() => built.close()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    // Staging folders of uploads interrupted by a crash.
    await platform.store.sweepStaging(STAGING_MAX_AGE_MS);
    await platform.issuer.ensureSigningKey();
    const initialAdminKey = await bootstrapPlatformAdmin(database.db);
    const api = await createApiServer({ config, platform, logger });
    const url = await api.listen();
    let apiClosed: Promise<void> | undefined;
    const closeApi = () => (apiClosed ??= api.close());
    cleanups.push(closeApi);
    // Deleted tenants whose grace period ends while we run.
    const shredTimer = setInterval(() => {
      vault.shredDue().then(
        (ids) => ids.length > 0 && logger.info('crypto-shredded deleted tenants', { keyrings: ids.length }),
        (error: Error) => logger.error('scheduled crypto-shredding failed', { error }),
      );
    }, SHRED_SWEEP_MS);
    shredTimer.unref();
    cleanups.push(async () => clearInterval(shredTimer));
    // Each embedded worker serves its own metrics (FRAGMARK_METRICS_PORT + its index), as separate workers do.
    const workers = startWorkerProcesses(config.jobs.embeddedWorkers, logger, config.metrics.workerPort);
    // The API drains (answering 503) while the workers hand their jobs back, not after.
    cleanups.push(() => Promise.all([workers.stop(), closeApi()]).then(() => undefined));
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
