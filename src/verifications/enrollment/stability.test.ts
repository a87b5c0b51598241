import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessStability, marginSummary } from './stability.ts';

test('a trigger is stable only when every round gives its key label', () => {
  const key = [0, 1, 2, 3, 4];
  const sut = assessStability(
    [
      [0, 1, 2, 9, 4],
      [0, 1, 5, 9, 4],
      [0, 1, 2, 9, 7],
    ],
    key,
  );
  assert.deepEqual(sut.stable, [0, 1]);
  assert.equal(sut.unstable, 2, 'triggers 2 and 4 changed between rounds');
  assert.equal(sut.mismatched, 1, 'trigger 3 was always wrong');
  assert.throws(() => assessStability([], key));
});

test('margin summary: min and median, null when empty', () => {
  assert.deepEqual(marginSummary([0.3, 0.1, 0.2]), { min: 0.1, median: 0.2 });
  assert.equal(marginSummary([]), null);
});
