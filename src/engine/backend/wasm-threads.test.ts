import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./wasm-threads.probe.ts', import.meta.url));

/** Runs the probe in a fresh process (the thread count is fixed per process); fails if it does not exit. */
function probe(threads: string): Promise<{ threads: number; digest: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, threads], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`probe with ${threads} threads did not exit (output: ${out.slice(0, 500)})`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`probe with ${threads} threads exited ${code}: ${err.slice(0, 500)}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { threads: number; digest: string });
    });
  });
}

test('threaded wasm runs XNNPACK on the requested threads, gives bit-identical results and lets the process exit', async () => {
  const [single, sut] = await Promise.all([probe('1'), probe('2')]);
  assert.equal(single.threads, 1);
  assert.equal(sut.threads, 2);
  assert.equal(sut.digest, single.digest);
});

test('a thread count out of range is refused when the backend starts (FRAGMARK_WASM_THREADS is checked by the configuration)', async () => {
  await assert.rejects(probe('9'), /wasmThreads must be an integer from 1 to 8 \(got 9\)/);
  await assert.rejects(probe('two'), /wasmThreads must be an integer from 1 to 8 \(got NaN\)/);
});
