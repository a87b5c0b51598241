/**
 * The README's configuration table, generated from the schema (config-schema.ts): every variable
 * with its default, the values it accepts and its meaning. `npm run docs:config` writes it into
 * README.md (scripts/config-table.ts); config.test.ts fails when the README's copy differs.
 */
import { CONFIG_VARIABLES } from './config-schema.ts';

export const CONFIG_TABLE_HEADER = '| Variable | Default | Allowed | Meaning |';

export function configTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.name}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.allowed} | ${v.description} |`);
  return [CONFIG_TABLE_HEADER, '| --- | --- | --- | --- |', ...rows].join('\n');
}
