/** A real `fragmark worker` process against a test API's database, vault key and artifact store (env overrides them: '' unsets). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestApi } from './api.ts';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));

export interface TestWorker {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

export async function startTestWorker(api: TestApi, env: Record<string, string> = {}): Promise<TestWorker> {
  const child = spawn(process.execPath, [BIN, 'worker', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: api.database.url,
      FRAGMARK_MASTER_KEY: api.masterKey,
      // The API's artifact store, as an operator would configure it on another host.
      ...(api.config.artifacts.store.kind === 'postgres' ? { FRAGMARK_ARTIFACT_STORE: 'postgres:' } : { FRAGMARK_ARTIFACT_DIR: api.artifactDir }),
      FRAGMARK_PUBLIC_URL: api.url,
      FRAGMARK_JOB_SUPERVISE_SECONDS: '1',
      FRAGMARK_JOB_HEARTBEAT_SECONDS: '10',
      FRAGMARK_LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes('"event":"ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${output}`));
    });
  });
  return { child, exited, output: () => output };
}

export async function stopTestWorker(worker: TestWorker, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode !== null) return;
  worker.child.kill(signal);
  await worker.exited;
}

/**
 * Whether every extra attempt a worker logged for `jobId` followed a lost heartbeat (pg-boss handed
 * the job on because the worker went quiet, as on an overloaded CI host), not a failed attempt. The
 * job runtime logs why each retried attempt runs (src/jobs/job-runtime.ts); fencing keeps the first
 * attempt from writing anything, so such a retry changes no outcome.
 */
export function retriedOnlyAfterLostHeartbeat(output: string, jobId: string | undefined): boolean {
  const retries = output
    .split('\n')
    .filter((line) => line.includes('job attempt starts after an earlier one ended'))
    .map((line) => JSON.parse(line) as { jobId?: string; previous?: string | null })
    .filter((entry) => jobId === undefined || entry.jobId === jobId);
  return retries.length > 0 && retries.every((entry) => entry.previous === 'job heartbeat timeout');
}
