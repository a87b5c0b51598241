import { readFileSync } from 'node:fs';

export const SCHEMA_PATH = new URL('../../../schema.graphql', import.meta.url);

/** The SDL is the source of truth (schema-first); resolver types are generated from it. */
export function readSchemaSdl(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}
