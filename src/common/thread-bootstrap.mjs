// Entry of every worker thread started by startThread (worker-thread.ts): a thread does not
// inherit tsx's loader when the process registered it programmatically (bin/fragmark.js), so a
// TypeScript entry registers it here first. A compiled (.js) entry is imported as it is.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
