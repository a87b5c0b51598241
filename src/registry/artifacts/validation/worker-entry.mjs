// Entry of the model-validation worker thread: the worker starts without the parent's loader
// flags (execArgv is emptied so that `--import tsx`, `--test` and friends are not inherited
// half-way), so TypeScript support is registered here, as bin/fragmark.js does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
