import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attestedUrl as sut } from './endpoints.service.ts';

test('attestedUrl keeps scheme, host, port and path, and drops user info, query and fragment', () => {
  assert.equal(sut('https://serving.example:8443/prefix/?tenant=a&route=b#x'), 'https://serving.example:8443/prefix/');
  assert.equal(sut('http://u:p@10.0.0.1/'), 'http://10.0.0.1/');
  assert.equal(sut('https://[::1]:9000/v2'), 'https://[::1]:9000/v2');
});
