#!/usr/bin/env node
// Entry point of the `fragmark` command: the compiled build (plain node, starts in a fraction of a
// second) when it is current, else the TypeScript sources through tsx (see compiled-entry.mjs).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chooseEntry } from './compiled-entry.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = chooseEntry(root);
if (entry.kind === 'source') {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`fragmark: ${entry.reason}, and tsx (a development dependency) is not installed: run \`npm run build\`\n`);
    process.exit(1);
  }
  register();
}
await import(pathToFileURL(entry.file).href);
