import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextIntegrity as sut, opensAlert } from './integrity-transition.ts';

test('INTACT makes HEALTHY and TAMPERED makes TAMPERED at once; both reset the error count', () => {
  assert.deepEqual(sut({ state: 'UNKNOWN', consecutiveErrors: 0 }, 'INTACT', 2), { state: 'HEALTHY', consecutiveErrors: 0 });
  assert.deepEqual(sut({ state: 'HEALTHY', consecutiveErrors: 1 }, 'TAMPERED', 2), { state: 'TAMPERED', consecutiveErrors: 0 });
  assert.deepEqual(sut({ state: 'UNREACHABLE', consecutiveErrors: 5 }, 'INTACT', 2), { state: 'HEALTHY', consecutiveErrors: 0 });
});

test('ERROR makes UNREACHABLE only after `unreachableAfter` in a row', () => {
  const once = sut({ state: 'HEALTHY', consecutiveErrors: 0 }, 'ERROR', 2);
  assert.deepEqual(once, { state: 'HEALTHY', consecutiveErrors: 1 });
  assert.deepEqual(sut(once, 'ERROR', 2), { state: 'UNREACHABLE', consecutiveErrors: 2 });
  assert.deepEqual(sut({ state: 'TAMPERED', consecutiveErrors: 0 }, 'ERROR', 1), { state: 'UNREACHABLE', consecutiveErrors: 1 });
});

test('every change opens an alert except a new monitor first seeing HEALTHY', () => {
  assert.equal(opensAlert('UNKNOWN', 'HEALTHY'), false);
  assert.equal(opensAlert('HEALTHY', 'HEALTHY'), false);
  assert.equal(opensAlert('UNKNOWN', 'TAMPERED'), true);
  assert.equal(opensAlert('HEALTHY', 'TAMPERED'), true);
  assert.equal(opensAlert('TAMPERED', 'HEALTHY'), true);
  assert.equal(opensAlert('HEALTHY', 'UNREACHABLE'), true);
});
