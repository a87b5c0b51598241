/**
 * Worker processes started by `fragmark serve` so that one machine works out of the box. They
 * are separate processes (not threads of the API) because trigger generation keeps a CPU busy
 * and must not stall API requests. A worker that exits unexpectedly is restarted after a pause.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.ts';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));
const RESTART_DELAY_MS = 2000;

/**
 * `metricsPort` (FRAGMARK_METRICS_PORT): worker `index` serves its metrics on metricsPort + index,
 * so that several workers on one host do not collide (port 0: each picks a free one).
 */
export function startWorkerProcesses(count: number, logger: Logger, metricsPort?: number): { stop(): Promise<void> } {
  let stopping = false;
  const children = new Set<ChildProcess>();
  const launch = (index: number) => {
    const child = spawn(process.execPath, [BIN, 'worker'], { stdio: ['ignore', 'inherit', 'inherit'], env: workerEnv(index, metricsPort) });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      logger.warn('worker process exited; restarting it', { index, code, signal });
      setTimeout(() => !stopping && launch(index), RESTART_DELAY_MS).unref();
    });
  };
  for (let i = 0; i < count; i++) launch(i);
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(
        [...children].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

function workerEnv(index: number, metricsPort: number | undefined): NodeJS.ProcessEnv {
  if (metricsPort === undefined) return process.env;
  return { ...process.env, FRAGMARK_METRICS_PORT: String(metricsPort === 0 ? 0 : metricsPort + index) };
}
