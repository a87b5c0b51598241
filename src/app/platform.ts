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
    const initialAdminKey = await bootstrapPlatformAdmin(database.db);
    const api = await createApiServer({ config, db: database.db, logger });
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
