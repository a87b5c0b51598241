/**
 * Vault behaviour in the manner of HashiCorp Vault's transit tests, against a real PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { randomKey, sodiumReady } from './aead.ts';
import { MAX_SECRET_BYTES, Vault as Sut, type SecretAddress } from './vault.ts';
import { MasterKeyError, VaultError } from './vault.errors.ts';
import type { MasterKeyring } from './master-key.ts';

const actor = { apiKeyId: null };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('vault', () => {
  let testDb: TestDatabase;
  let master: MasterKeyring;
  let sut: Sut;
  let tenantA: string;
  let tenantB: string;
  const at = (tenantId: string | null, recordId: string, purpose: SecretAddress['purpose'] = 'trigger-set'): SecretAddress => ({ tenantId, purpose, recordId });
  const rejectsWith = (promise: Promise<unknown>, code: string) =>
    assert.rejects(promise, (e: unknown) => e instanceof VaultError && e.code === code);

  before(async () => {
    await sodiumReady();
    testDb = await createTestDatabase();
    master = { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' };
    sut = new Sut(testDb.db, master);
    tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
    tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  });
  after(() => testDb.drop());

  test('round trip, with an audit event for the seal and the unseal', async () => {
    const payload = randomBytes(10_000);
    assert.deepEqual(await sut.seal(at(tenantA, 'w1'), payload, { apiKeyId: null }), { keyVersion: 1 });
    assert.deepEqual(Buffer.from(await sut.unseal(at(tenantA, 'w1'), actor)), payload);
    const row = await testDb.db.vaultSecret.findFirstOrThrow({ where: { recordId: 'w1' } });
    assert.ok(!Buffer.from(row.ciphertext).includes(payload.subarray(0, 32)), 'the payload is not stored in clear');
    const events = await testDb.db.auditEvent.findMany({ where: { recordId: 'w1' }, orderBy: { id: 'asc' } });
    assert.deepEqual(events.map((e) => [e.action, e.tenantId, e.keyVersion]), [['vault.seal', tenantA, 1], ['vault.unseal', tenantA, 1]]);
  });

  test('a secret larger than the vault seals in one piece is refused before anything is written', async () => {
    await rejectsWith(sut.seal(at(tenantA, 'too-large'), new Uint8Array(MAX_SECRET_BYTES + 1), actor), 'INVALID_VAULT_INPUT');
    assert.equal(await testDb.db.vaultSecret.count({ where: { recordId: 'too-large' } }), 0);
    assert.equal(await testDb.db.auditEvent.count({ where: { recordId: 'too-large' } }), 0);
  });

  test('rotate: new version, new seals use it, old ciphertexts still open', async () => {
    await sut.seal(at(tenantA, 'before-rotation'), bytes('old'), actor);
    const status = await sut.rotate(tenantA, actor);
    assert.equal(status.currentVersion, 2);
    assert.equal(status.pendingRewrap, 2);
    assert.deepEqual(await sut.seal(at(tenantA, 'after-rotation'), bytes('new'), actor), { keyVersion: 2 });
    assert.equal(text(await sut.unseal(at(tenantA, 'before-rotation'), actor)), 'old');
    assert.equal(text(await sut.unseal(at(tenantA, 'after-rotation'), actor)), 'new');
  });

  test('rewrap: new wrapped key under the new version, same plaintext, payload untouched', async () => {
    const before = await testDb.db.vaultSecret.findFirstOrThrow({ where: { recordId: 'before-rotation' } });
    assert.equal(before.keyVersion, 1);
    const first = await sut.rewrap(tenantA, actor, 1);
    assert.deepEqual(first, { rewrapped: 1, remaining: 1 });
    const second = await sut.rewrap(tenantA, actor, 100);
    assert.deepEqual(second, { rewrapped: 1, remaining: 0 });
    const after = await testDb.db.vaultSecret.findFirstOrThrow({ where: { recordId: 'before-rotation' } });
    assert.equal(after.keyVersion, 2);
    assert.notDeepEqual(Buffer.from(after.wrappedDataKey), Buffer.from(before.wrappedDataKey));
    assert.deepEqual(Buffer.from(after.ciphertext), Buffer.from(before.ciphertext), 'rewrap never re-encrypts the payload');
    assert.equal(text(await sut.unseal(at(tenantA, 'before-rotation'), actor)), 'old');
  });

  test('retire: refused while secrets still use the version; afterwards an old ciphertext refuses clearly', async () => {
    await sut.seal(at(tenantB, 'b-old'), bytes('b'), actor);
    const oldRow = await testDb.db.vaultSecret.findFirstOrThrow({ where: { recordId: 'b-old' } });
    await sut.rotate(tenantB, actor);
    await rejectsWith(sut.retire(tenantB, 2, actor), 'REWRAP_PENDING');
    await sut.rewrap(tenantB, actor);
    const status = await sut.retire(tenantB, 2, actor);
    assert.equal(status.minVersion, 2);
    assert.ok(status.versions.find((v) => v.version === 1)?.destroyedAt);
    assert.equal(text(await sut.unseal(at(tenantB, 'b-old'), actor)), 'b');

    // An old copy of the ciphertext (say, from a backup) no longer opens.
    await testDb.db.vaultSecret.update({ where: { id: oldRow.id }, data: { keyVersion: 1, wrappedDataKey: oldRow.wrappedDataKey } });
    await rejectsWith(sut.unseal(at(tenantB, 'b-old'), actor), 'KEY_VERSION_RETIRED');
  });

  test('a ciphertext moved to another row, purpose or tenant refuses', async () => {
    await sut.seal(at(tenantA, 'src'), bytes('secret A'), actor);
    await sut.seal(at(tenantA, 'dst'), bytes('other'), actor);
    await sut.seal(at(tenantA, 'src', 'endpoint-credential'), bytes('cred'), actor);
    await sut.seal(at(tenantB, 'src'), bytes('secret B'), actor);
    const source = await testDb.db.vaultSecret.findFirstOrThrow({ where: { keyringId: tenantA, recordId: 'src', purpose: 'trigger-set' } });
    const copy = { wrappedDataKey: source.wrappedDataKey, ciphertext: source.ciphertext, keyVersion: source.keyVersion };
    for (const [where, label] of [
      [{ keyringId: tenantA, recordId: 'dst', purpose: 'trigger-set' }, 'other row'],
      [{ keyringId: tenantA, recordId: 'src', purpose: 'endpoint-credential' }, 'other purpose'],
      [{ keyringId: tenantB, recordId: 'src', purpose: 'trigger-set' }, 'other tenant'],
    ] as const) {
      const target = await testDb.db.vaultSecret.findFirstOrThrow({ where });
      await testDb.db.vaultSecret.update({ where: { id: target.id }, data: copy });
      const address = at(where.keyringId, where.recordId, where.purpose);
      await assert.rejects(sut.unseal(address, actor), (e: unknown) => e instanceof VaultError, label);
    }
  });

  test('any flipped byte in nonce, ciphertext, tag or wrapped key refuses', async () => {
    await sut.seal(at(tenantA, 'flip'), bytes('integrity matters'), actor);
    const row = await testDb.db.vaultSecret.findFirstOrThrow({ where: { keyringId: tenantA, recordId: 'flip' } });
    const positions = (length: number) => [0, 1, 12, 24, 25, Math.floor(length / 2), length - 16, length - 1];
    for (const field of ['ciphertext', 'wrappedDataKey'] as const) {
      for (const position of positions(row[field].length)) {
        const damaged = new Uint8Array(row[field]);
        damaged[position]! ^= 0x01;
        await testDb.db.vaultSecret.update({ where: { id: row.id }, data: { [field]: damaged } });
        await rejectsWith(sut.unseal(at(tenantA, 'flip'), actor), 'DECRYPTION_FAILED');
      }
      await testDb.db.vaultSecret.update({ where: { id: row.id }, data: { [field]: row[field] } });
    }
    const key = await testDb.db.vaultKey.findFirstOrThrow({ where: { keyringId: tenantA, version: row.keyVersion } });
    const damagedKey = new Uint8Array(key.wrappedKey);
    damagedKey[30]! ^= 0x80;
    await testDb.db.vaultKey.update({ where: { id: key.id }, data: { wrappedKey: damagedKey } });
    await rejectsWith(sut.unseal(at(tenantA, 'flip'), actor), 'DECRYPTION_FAILED');
    await testDb.db.vaultKey.update({ where: { id: key.id }, data: { wrappedKey: key.wrappedKey } });
    assert.equal(text(await sut.unseal(at(tenantA, 'flip'), actor)), 'integrity matters');
  });

  test('a shredded tenant refuses; its metadata and audit trail stay', async () => {
    const doomed = (await testDb.db.tenant.create({ data: { name: 'Doomed', slug: 'doomed' } })).id;
    await sut.seal(at(doomed, 'x'), bytes('gone soon'), actor);
    await sut.scheduleShred(doomed, new Date(Date.now() + 86_400_000), actor);
    await rejectsWith(sut.seal(at(doomed, 'y'), bytes('no'), actor), 'KEYRING_SHREDDED');
    assert.equal(text(await sut.unseal(at(doomed, 'x'), actor)), 'gone soon', 'still recoverable during the grace period');
    assert.deepEqual(await sut.shredDue(new Date()), []);
    assert.deepEqual(await sut.shredDue(new Date(Date.now() + 2 * 86_400_000)), [doomed]);
    await rejectsWith(sut.unseal(at(doomed, 'x'), actor), 'KEYRING_SHREDDED');
    const keys = await testDb.db.vaultKey.findMany({ where: { keyringId: doomed } });
    assert.ok(keys.every((k) => k.destroyedAt && k.wrappedKey.length === 0), 'the key material itself is gone');
    assert.equal(await testDb.db.vaultSecret.count({ where: { keyringId: doomed } }), 1);
    assert.ok((await testDb.db.auditEvent.count({ where: { tenantId: doomed, action: 'vault.shred' } })) === 1);
  });

  test('audit events cannot be changed or deleted', async () => {
    const event = await testDb.db.auditEvent.findFirstOrThrow();
    await assert.rejects(testDb.db.auditEvent.update({ where: { id: event.id }, data: { action: 'forged' } }), /append-only/);
    await assert.rejects(testDb.db.auditEvent.delete({ where: { id: event.id } }), /append-only/);
  });

  test('a wrong master key is detected by the start-up check; a missing version too', async () => {
    await new Sut(testDb.db, master).verifyMasterKey();
    const wrong = new Sut(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'wrong' });
    await assert.rejects(wrong.verifyMasterKey(), (e: unknown) => e instanceof MasterKeyError && /not the key they were sealed with/.test(e.message));
    const missing = new Sut(testDb.db, { currentVersion: 7, keys: new Map([[7, randomKey()]]), source: 'other' });
    await assert.rejects(missing.verifyMasterKey(), /master key version 1/);
  });

  test('master-key rotation rewraps keyring keys; secrets keep opening', async () => {
    await sut.seal(at(null, 'signing'), bytes('platform secret'), actor);
    const rotated: MasterKeyring = { currentVersion: 2, keys: new Map([...master.keys, [2, randomKey()]]), source: 'rotated' };
    const next = new Sut(testDb.db, rotated);
    assert.ok((await next.rewrapUnderCurrentMasterKey()) > 0);
    assert.equal(await testDb.db.vaultKey.count({ where: { destroyedAt: null, masterVersion: 1 } }), 0);
    const onlyV2 = new Sut(testDb.db, { currentVersion: 2, keys: new Map([[2, rotated.keys.get(2)!]]), source: 'v2 only' });
    await onlyV2.verifyMasterKey();
    assert.equal(text(await onlyV2.unseal(at(null, 'signing'), actor)), 'platform secret');
    assert.equal(text(await onlyV2.unseal(at(tenantA, 'after-rotation'), actor)), 'new');
    sut = onlyV2;
  });

  test('concurrent seals from many requests are all recoverable', async () => {
    const fresh = (await testDb.db.tenant.create({ data: { name: 'Busy', slug: 'busy' } })).id;
    const payloads = Array.from({ length: 24 }, (_, i) => randomBytes(200 + i));
    // The first seals race to create the keyring; a rotation races with the rest.
    await Promise.all([
      ...payloads.map((p, i) => sut.seal(at(fresh, `r${i}`), p, actor)),
      sut.rotate(fresh, actor).catch(() => undefined),
    ]);
    for (const [i, p] of payloads.entries()) assert.deepEqual(Buffer.from(await sut.unseal(at(fresh, `r${i}`), actor)), p);
  });

  test('discard destroys one secret, in the caller\'s transaction, with an audit event', async () => {
    await sut.seal(at(tenantA, 'w-old', 'webhook-secret'), bytes('old hook key'), actor);
    await sut.seal(at(tenantA, 'w-new', 'webhook-secret'), bytes('new hook key'), actor);
    await assert.rejects(
      testDb.db.$transaction(async (tx) => {
        await sut.discard(at(tenantA, 'w-old', 'webhook-secret'), actor, tx);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(text(await sut.unseal(at(tenantA, 'w-old', 'webhook-secret'), actor)), 'old hook key', 'a rolled-back discard destroys nothing');
    await testDb.db.$transaction((tx) => sut.discard(at(tenantA, 'w-old', 'webhook-secret'), actor, tx));
    await rejectsWith(sut.unseal(at(tenantA, 'w-old', 'webhook-secret'), actor), 'SECRET_NOT_FOUND');
    assert.equal(text(await sut.unseal(at(tenantA, 'w-new', 'webhook-secret'), actor)), 'new hook key');
    assert.equal(await testDb.db.auditEvent.count({ where: { action: 'vault.discard', recordId: 'w-old', tenantId: tenantA } }), 1);
    await testDb.db.$transaction((tx) => sut.discard(at(tenantA, 'w-old', 'webhook-secret'), actor, tx));
    assert.equal(await testDb.db.auditEvent.count({ where: { action: 'vault.discard', recordId: 'w-old' } }), 1, 'discarding nothing records nothing');
  });

  test('bad addresses are refused without touching the database', async () => {
    await rejectsWith(sut.seal({ tenantId: tenantA, purpose: 'nonsense' as never, recordId: 'x' }, bytes('x'), actor), 'INVALID_VAULT_INPUT');
    await rejectsWith(sut.seal(at(tenantA, ''), bytes('x'), actor), 'INVALID_VAULT_INPUT');
    await rejectsWith(sut.unseal(at(tenantA, 'never-sealed'), actor), 'SECRET_NOT_FOUND');
  });
});
