import type { Config } from '../config/config.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from './job-queue.ts';

export function queueSettingsFrom(config: Config): QueueSettings {
  return {
    ...DEFAULT_QUEUE_SETTINGS,
    heartbeatSeconds: config.jobs.heartbeatSeconds,
    retryLimit: config.jobs.retryLimit,
    superviseIntervalSeconds: config.jobs.superviseIntervalSeconds,
    tenantConcurrency: config.jobs.tenantConcurrency,
  };
}
