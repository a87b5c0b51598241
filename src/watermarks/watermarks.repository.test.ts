import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generationParameters as sut } from './watermarks.repository.ts';

test('stored generation parameters are checked, not cast', () => {
  assert.deepEqual(sut({ lambda: 150, maxSteps: 300, extra: true }), { lambda: 150, maxSteps: 300 });
  for (const damaged of [null, [], {}, { lambda: 150 }, { lambda: '150', maxSteps: 300 }, { lambda: -1, maxSteps: 300 }, { lambda: 1, maxSteps: 2.5 }, { lambda: Number.NaN, maxSteps: 3 }]) {
    assert.throws(() => sut(damaged), /damaged/, JSON.stringify(damaged));
  }
});
