/** /healthz (the process answers), /readyz (and reaches its database within 2 s). */
import type http from 'node:http';
import type { Database } from '../../db/client.ts';
import type { Logger } from '../../logging/logger.ts';
import { json } from './responses.ts';

const READY_TIMEOUT_MS = 2000;

export function answerHealth(res: http.ServerResponse): void {
  json(res, 200, { status: 'ok' });
}

export async function answerReadiness(res: http.ServerResponse, db: Database, logger: Logger): Promise<void> {
  try {
    await Promise.race([
      db.$queryRawUnsafe('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('database check timed out')), READY_TIMEOUT_MS).unref()),
    ]);
    json(res, 200, { status: 'ready', checks: { database: 'ok' } });
  } catch (error) {
    logger.warn('readiness check failed', { error: error as Error });
    json(res, 503, { status: 'unavailable', checks: { database: 'unreachable' } });
  }
}
