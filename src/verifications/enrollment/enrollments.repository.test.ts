import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observedMargins as sut } from './enrollments.repository.ts';

test('stored observed margins are checked, not cast', () => {
  assert.deepEqual(sut({ min: 0.25, median: 1.5, extra: true }), { min: 0.25, median: 1.5 });
  assert.equal(sut(null), null, 'the endpoint returned no scores');
  for (const damaged of [[], {}, 'x', 3, { min: 0.25 }, { min: '0.25', median: 1 }, { min: 0.1, median: Number.NaN }, [0.1, 0.2]]) {
    assert.throws(() => sut(damaged), /damaged/, JSON.stringify(damaged));
  }
});
