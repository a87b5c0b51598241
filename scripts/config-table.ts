/**
 * Rewrites the configuration table in README.md from CONFIG_VARIABLES (src/config/config.ts),
 * so the documented variables and defaults are the code's. `npm run docs:config`.
 * (src/config/config.test.ts fails when they disagree.)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../src/config/config.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const HEADER = '| Variable | Default | Meaning |';

export function configTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.name}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.description} |`);
  return [HEADER, '| --- | --- | --- |', ...rows].join('\n');
}

const text = await readFile(README, 'utf8');
const start = text.indexOf(HEADER);
if (start < 0) throw new Error(`README.md has no table starting with "${HEADER}"`);
let end = text.indexOf('\n', start);
while (text.slice(end + 1).startsWith('|')) end = text.indexOf('\n', end + 1);
await writeFile(README, text.slice(0, start) + configTable() + text.slice(end));
console.log(`README.md: ${CONFIG_VARIABLES.length} configuration variables`);
