/**
 * The public issuer is a platform setting: the API records FRAGMARK_PUBLIC_URL (replacing the
 * recorded one), records its derived address only when none is recorded, and a worker signs with
 * the recorded value or refuses to start without one. Real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { publicIssuerFor as sut, StartRefusal, setPublicIssuer } from './public-issuer.ts';

let testDb: TestDatabase;
const logger = createLogger('silent', {}, () => {});
const config = (env: Record<string, string> = {}) => loadConfig({ FRAGMARK_PORT: '4000', ...env }, '/srv');

before(async () => {
  testDb = await createTestDatabase();
});
after(() => testDb.drop());

test('recorded by the API, read by workers; a worker without one refuses; a derived address never replaces a recorded one', async () => {
  const db = testDb.db;
  await assert.rejects(sut(db, config({ FRAGMARK_PUBLIC_URL: 'https://own.example' }), 'worker', logger), (e: unknown) => e instanceof StartRefusal && /No public issuer URL is recorded/.test(e.message));
  assert.equal(await sut(db, config(), 'api', logger), 'http://127.0.0.1:4000', 'first start without FRAGMARK_PUBLIC_URL: its derived address');
  assert.equal(await sut(db, config({ FRAGMARK_PUBLIC_URL: 'https://fragmark.example/' }), 'api', logger), 'https://fragmark.example');
  assert.equal(await sut(db, config(), 'api', logger), 'https://fragmark.example', 'an API without FRAGMARK_PUBLIC_URL signs with the recorded one');
  assert.equal(await sut(db, config(), 'worker', logger), 'https://fragmark.example', 'a worker without FRAGMARK_PUBLIC_URL too');
  assert.equal(await sut(db, config({ FRAGMARK_PUBLIC_URL: 'http://127.0.0.1:9' }), 'worker', logger), 'https://fragmark.example', "a worker's own value is ignored");
  assert.equal(await setPublicIssuer(db, 'https://other.example/base/'), 'https://other.example/base');
  assert.equal(await sut(db, config(), 'worker', logger), 'https://other.example/base');
  await assert.rejects(setPublicIssuer(db, 'ftp://x'), /http or https/);
});
