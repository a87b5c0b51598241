/**
 * Composition root of the API process: configuration in, a running platform out.
 * Order on start: database (embedded or external) with migrations, first-start admin key,
 * HTTP server. Order on stop: HTTP (drains requests), database.
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { openDatabase } from '../db/database.ts';
import { createApiServer } from '../api/http/http-server.ts';
import { bootstrapPlatformAdmin, type MintedKey } from './bootstrap.ts';
import { openVault } from '../vault/open-vault.ts';

const SHRED_SWEEP_MS = 60_000;

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
  try {
    const vault = await openVault(database.db, config, logger);
    const initialAdminKey = await bootstrapPlatformAdmin(database.db);
    const api = await createApiServer({ config, platform: { db: database.db, vault }, logger });
    // Deleted tenants whose grace period ends while we run.
    const shredTimer = setInterval(() => {
      vault.shredDue().then(
        (ids) => ids.length > 0 && logger.info('crypto-shredded deleted tenants', { keyrings: ids.length }),
        (error: Error) => logger.error('scheduled crypto-shredding failed', { error }),
      );
    }, SHRED_SWEEP_MS);
    shredTimer.unref();
    const url = await api.listen();
    logger.info('API listening', { url, database: database.embedded ? 'embedded' : 'external' });
    let stopping: Promise<void> | undefined;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      initialAdminKey,
      stop: () =>
        (stopping ??= (async () => {
          logger.info('shutting down');
          clearInterval(shredTimer);
          await api.close();
          await database.close();
          logger.info('stopped');
        })()),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
