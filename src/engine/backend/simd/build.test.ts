import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generate, GENERATED_FILE } from './build.ts';

test('the committed SIMD binaries are the compilation of kernels.wat (run `npm run simd:build` after editing it)', async () => {
  const sut = await generate();
  assert.equal(readFileSync(GENERATED_FILE, 'utf8'), sut);
});
