import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, unknownFlag as sut } from './command-flags.ts';

test('unknown flags are named, with the flags the command takes', () => {
  assert.equal(sut('verify', ['wait', 'endpoint-id', 'json']), null);
  assert.match(sut('verify', ['endpiont-id'])!, /does not take --endpiont-id; it takes .*--endpoint-id/);
  assert.match(sut('serve', ['url'])!, /fragmark serve does not take --url/);
});

test('commands of one or two words', () => {
  assert.equal(commandOf(['endpoints', 'enroll', 'x']), 'endpoints enroll');
  assert.equal(commandOf(['verify', 'id']), 'verify');
  assert.equal(commandOf(['nope']), null);
});
