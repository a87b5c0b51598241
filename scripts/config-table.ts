/**
 * Rewrites the configuration table in README.md from the configuration schema
 * (src/config/config-schema.ts, rendered by src/config/config-table.ts), so the documented
 * variables, defaults and allowed values are the code's. `npm run docs:config`.
 * (src/config/config.test.ts fails when they disagree.)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONFIG_TABLE_HEADER, configTable } from '../src/config/config-table.ts';
import { CONFIG_VARIABLES } from '../src/config/config.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

const text = await readFile(README, 'utf8');
const start = text.indexOf(CONFIG_TABLE_HEADER);
if (start < 0) throw new Error(`README.md has no table starting with "${CONFIG_TABLE_HEADER}"`);
let end = text.indexOf('\n', start);
while (text.slice(end + 1).startsWith('|')) end = text.indexOf('\n', end + 1);
await writeFile(README, text.slice(0, start) + configTable() + text.slice(end));
console.log(`README.md: ${CONFIG_VARIABLES.length} configuration variables`);
