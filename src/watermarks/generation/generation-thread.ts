/**
 * Worker-thread entry of trigger generation (started by generate-in-thread.ts). Messages out:
 * `progress`, then exactly one `done` or `failed`. The thread is terminated afterwards, or at
 * once to cancel, so it needs no cleanup of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, isEngineError } from '../../engine/index.ts';
import { generateWatermark } from './generate-watermark.ts';
import type { GenerationThreadInput, GenerationThreadMessage } from './generate-in-thread.ts';

const { data } = workerData as { data: GenerationThreadInput };
const post = (message: GenerationThreadMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

try {
  await initBackend({ ...(data.backend ? { backend: data.backend } : {}), ...(data.wasmThreads ? { wasmThreads: data.wasmThreads } : {}), log: () => {} });
  const result = await generateWatermark(data.request, { onProgress: (progress) => post({ type: 'progress', progress }) });
  post({ type: 'done', result }, [result.sealed.buffer as ArrayBuffer]);
} catch (error) {
  post({
    type: 'failed',
    message: error instanceof Error ? error.message : 'Trigger generation failed.',
    engineCode: isEngineError(error) ? error.code : null,
  });
}
