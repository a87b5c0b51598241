/**
 * Runs generateWatermark in a worker thread and waits for it. The worker's own event loop stays
 * free meanwhile, so its job heartbeats keep flowing however long generation takes (before this,
 * a 500-trigger generation silenced them for 12-26 s and pg-boss gave the job to a second
 * worker). Aborting `signal` terminates the thread at once; so does any failure, which frees all
 * memory the model and TF.js took.
 */
import { startThread } from '../../common/worker-thread.ts';
import { EngineError, type EngineErrorCode } from '../../engine/index.ts';
import type { GeneratedWatermark, GenerationProgress, GenerationRequest } from './generate-watermark.ts';

export interface GenerationThreadInput {
  request: GenerationRequest;
  backend: 'node-gpu' | 'node' | 'wasm' | 'cpu' | undefined;
  wasmThreads: number | undefined;
}

export type GenerationThreadMessage =
  | { type: 'progress'; progress: GenerationProgress }
  | { type: 'done'; result: GeneratedWatermark }
  | { type: 'failed'; message: string; engineCode: EngineErrorCode | null };

const ENTRY = new URL(`./generation-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export function generateInThread(
  input: GenerationThreadInput,
  options: { signal: AbortSignal; onProgress?: (progress: GenerationProgress) => void },
): Promise<GeneratedWatermark> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<GeneratedWatermark>((resolve, reject) => {
    const thread = startThread(ENTRY, input);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void thread.terminate();
      outcome();
    };
    const onAbort = () => settle(() => reject(cancelled()));
    signal.addEventListener('abort', onAbort, { once: true });
    thread.on('message', (message: GenerationThreadMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve({ ...message.result, sealed: new Uint8Array(message.result.sealed) }));
      else settle(() => reject(message.engineCode ? new EngineError(message.engineCode, message.message) : new Error(message.message)));
    });
    thread.on('error', (error) => settle(() => reject(error)));
    thread.on('exit', (code) => settle(() => reject(new Error(`The generation thread exited (code ${code}) without a result.`))));
  });
}

function cancelled(): EngineError {
  return new EngineError('CANCELLED', 'Trigger generation was stopped.');
}
