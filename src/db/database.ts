/**
 * Opens the application database: the external PostgreSQL named by DATABASE_URL, or the
 * embedded one (started here and stopped by `close`), with pending migrations applied.
 */
import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { createDatabaseClient, type Database } from './client.ts';
import { startEmbeddedDatabase } from './embedded.ts';
import { applyMigrations } from './migrate.ts';

export interface OpenDatabase {
  db: Database;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  let url = config.database.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url === undefined) {
    const dataDir = path.join(config.dataDir, 'postgres');
    logger.info('starting embedded PostgreSQL', { dataDir, port: config.database.embeddedPort });
    const pgLogger = logger.child({ component: 'postgres' });
    const embedded = await startEmbeddedDatabase({
      dataDir,
      port: config.database.embeddedPort,
      databaseName: 'fragmark',
      onLog: (line) => pgLogger.debug(line),
      onSupervision: (event) => {
        if (event.kind === 'exited') pgLogger.error('embedded PostgreSQL exited unexpectedly: restarting it', { code: event.code, signal: event.signal, lastLog: event.lastLog });
        else if (event.kind === 'restarted') pgLogger.warn('embedded PostgreSQL restarted', { attempt: event.attempt, downMs: event.downMs });
        else pgLogger.error('embedded PostgreSQL did not restart: trying again', { attempt: event.attempt, nextDelayMs: event.nextDelayMs, lastLog: event.lastLog });
      },
    });
    if (embedded.cluster.relocated) {
      // As root with a data folder the postgres user cannot enter (embedded.ts, clusterLocation).
      logger.warn('the embedded PostgreSQL keeps its cluster outside the data folder, which its postgres user cannot enter: back up both', { dataDir, clusterDir: embedded.cluster.dir });
    }
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    const applied = await applyMigrations(url);
    if (applied.length > 0) logger.info('applied migrations', { migrations: applied });
  } catch (error) {
    await stopEmbedded?.();
    throw error;
  }
  const db = createDatabaseClient(url, { poolSize: config.database.poolSize, acquireTimeoutMs: config.database.poolTimeoutMs });
  return {
    db,
    url,
    embedded: stopEmbedded !== undefined,
    close: async () => {
      await db.$disconnect();
      await stopEmbedded?.();
    },
  };
}
