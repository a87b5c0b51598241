import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { formatWebhookSecret, generateWebhookSecret, parseWebhookSecret, signedHeaders, signWebhook as sut } from './webhook-signature.ts';

/**
 * The test vector every reference library of the specification checks ("sign function works" in
 * standard-webhooks/libraries/javascript/src/webhook.test.ts; the same in Go, Java, PHP, C#).
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test('the specification test vector', () => {
  assert.equal(sut(parseWebhookSecret(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  assert.notEqual(sut(parseWebhookSecret(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body + ' '), VECTOR.signature);
  assert.notEqual(sut(parseWebhookSecret(VECTOR.secret), VECTOR.id, VECTOR.timestamp + 1, VECTOR.body), VECTOR.signature);
});

test('generated secrets are whsec_ + base64 of 32 random bytes and round-trip', () => {
  const a = generateWebhookSecret();
  const b = generateWebhookSecret();
  assert.match(a.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(a.key.length, 32);
  assert.notEqual(a.secret, b.secret);
  assert.deepEqual(parseWebhookSecret(a.secret), a.key);
  assert.equal(formatWebhookSecret(a.key), a.secret);
});

test('malformed secrets are refused without echoing them', () => {
  const short = formatWebhookSecret(new Uint8Array(23).fill(7));
  const long = formatWebhookSecret(new Uint8Array(65).fill(7));
  for (const bad of ['', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', short, long, 'whsec_not*base64', `${VECTOR.secret}\n`]) {
    assert.throws(() => parseWebhookSecret(bad), (e: Error) => /24 to 64 bytes/.test(e.message) && (bad === '' || !e.message.includes(bad)));
  }
  assert.equal(parseWebhookSecret(formatWebhookSecret(new Uint8Array(64).fill(1))).length, 64);
});

test('an independent verifier (the standardwebhooks package) accepts each of two signatures, and nothing altered', () => {
  const current = generateWebhookSecret();
  const previous = generateWebhookSecret();
  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { n: 1 } });
  const now = Math.floor(Date.now() / 1000);
  const headers = signedHeaders([current.key, previous.key], 'msg_1', now, body);
  assert.equal(headers['webhook-signature'].split(' ').length, 2);
  assert.deepEqual(new Webhook(current.secret).verify(body, { ...headers }), JSON.parse(body));
  assert.deepEqual(new Webhook(previous.secret).verify(body, { ...headers }), JSON.parse(body));
  assert.throws(() => new Webhook(generateWebhookSecret().secret).verify(body, { ...headers }), /No matching signature/);
  assert.throws(() => new Webhook(current.secret).verify(body.replace('1', '2'), { ...headers }), /No matching signature/);
  assert.throws(() => new Webhook(current.secret).verify(body, { ...headers, 'webhook-id': 'msg_2' }), /No matching signature/);
  assert.throws(() => signedHeaders([], 'msg_1', now, body), /at least one secret/);
});
