/**
 * `npm run demo`: the whole story in one command (see src/demo/run-demo.ts).
 *
 *   npm run demo                     reference MNIST CNN, full settings
 *   npm run demo -- --tiny           a tiny model and few steps (what the test suite runs)
 *   npm run demo -- --out <dir>      where to write the report (default: ./demo-report)
 *
 * With FRAGMARK_URL (and a PLATFORM_ADMIN key in FRAGMARK_API_KEY) it uses that server instead
 * of starting one; that server needs a worker running.
 */
import path from 'node:path';
import { runDemo } from '../src/demo/run-demo.ts';

const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const outDir = path.resolve(outIndex >= 0 ? argv[outIndex + 1]! : 'demo-report');
runDemo({ tiny: argv.includes('--tiny'), outDir, url: process.env.FRAGMARK_URL, key: process.env.FRAGMARK_API_KEY }).then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: Error) => {
    process.stderr.write(`demo failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
