/**
 * Generates src/api/generated/graphql.ts (resolver types) from schema.graphql with
 * GraphQL Code Generator. `npm run gql:generate` writes it; `--check` exits 1 when the
 * committed file is stale (the API test suite runs the same comparison).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateGraphQLTypes, GENERATED_TYPES_PATH } from '../src/api/schema/codegen.ts';

const output = await generateGraphQLTypes();
const path = fileURLToPath(GENERATED_TYPES_PATH);
if (process.argv.includes('--check')) {
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current !== output) {
    console.error('src/api/generated/graphql.ts is stale: run npm run gql:generate');
    process.exit(1);
  }
} else {
  await writeFile(path, output);
  console.log('wrote src/api/generated/graphql.ts');
}
