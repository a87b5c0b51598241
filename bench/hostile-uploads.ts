/**
 * Issue 16 item 2: API-process memory across hostile model uploads. Sends `--count` (default 20)
 * uploads alternating Dense(16000) and Dense(8000) on an input as wide, each with a one-weight
 * manifest, through what the upload route runs after streaming (the manifest check in this
 * process, then validation in a worker thread), and prints this process's RSS before and after.
 *
 *   npx tsx bench/hostile-uploads.ts [--count 20]
 */
import { checkUploadFiles } from '../src/registry/artifacts/model-validation.ts';
import { validateInWorker } from '../src/registry/artifacts/validation/validate-in-worker.ts';
import { denseOnOneWeight } from '../test/support/hostile-models.ts';

const MAX_PARAMETERS = 100_000_000;
const flag = process.argv.indexOf('--count');
const count = flag === -1 ? 20 : Number(process.argv[flag + 1]);

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const start = rssMb();
let peak = start;
let accepted = 0;
const began = Date.now();
for (let i = 0; i < count; i++) {
  const files = denseOnOneWeight(i % 2 === 0 ? 16000 : 8000);
  try {
    checkUploadFiles(files, MAX_PARAMETERS);
    await validateInWorker(files, { maxParameters: MAX_PARAMETERS });
    accepted += 1;
  } catch (error) {
    if (i < 2) console.log(`refused: ${(error as Error).message}`);
  }
  peak = Math.max(peak, rssMb());
}
console.log(`${count} hostile uploads (${accepted} accepted): RSS ${start} MB -> ${rssMb()} MB (peak ${peak} MB), ${((Date.now() - began) / 1000).toFixed(1)} s`);
