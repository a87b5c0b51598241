/**
 * The key vault: envelope encryption per tenant (see README.md beside this file).
 *
 *   master key (environment / key file, versioned)
 *     └─ seals each keyring version's key-encryption key (KEK)     VaultKey.wrappedKey
 *          └─ seals each secret's own random data key (DEK)        VaultSecret.wrappedDataKey
 *               └─ seals the secret                                VaultSecret.ciphertext
 *
 * One keyring per tenant, plus "platform" for the platform's own secrets (signing keys).
 * Every seal, unseal, rotation, rewrap, retirement and shredding writes an audit event in the
 * same transaction. Key material is wiped after use; nothing secret reaches logs or errors.
 *
 * The vault is infrastructure below tenant scoping: callers pass the tenant explicitly, and the
 * tenant is also bound cryptographically (associated data), so a mix-up cannot open anything.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { VaultKeyring } from '../db/generated/client.ts';
import { recordAudit } from '../audit/audit.ts';
import { processMetrics } from '../metrics/metrics.ts';
import { associatedData } from './associated-data.ts';
import { open, randomKey, seal, wipe } from './aead.ts';
import type { MasterKeyring } from './master-key.ts';
import { MasterKeyError, VaultError } from './vault.errors.ts';

export const VAULT_PURPOSES = ['trigger-set', 'endpoint-credential', 'signing-key', 'webhook-secret'] as const;
export type VaultPurpose = (typeof VAULT_PURPOSES)[number];

export const PLATFORM_KEYRING = 'platform';
const DEFAULT_REWRAP_BATCH = 500;
const LOCK_PREFIX = 'fragmark-vault:';

export interface SecretAddress {
  /** null: the platform keyring. */
  tenantId: string | null;
  purpose: VaultPurpose;
  recordId: string;
}

export interface Actor {
  /** API key behind the act; null for the platform itself (workers, commands). */
  apiKeyId: string | null;
}

export interface KeyringStatus {
  currentVersion: number;
  minVersion: number;
  versions: Array<{ version: number; createdAt: Date; retiredAt: Date | null; destroyedAt: Date | null }>;
  /** Secrets still sealed under an older version than the current one. */
  pendingRewrap: number;
  shredAfter: Date | null;
  shreddedAt: Date | null;
}

const keyringIdOf = (tenantId: string | null) => tenantId ?? PLATFORM_KEYRING;

/**
 * Largest secret sealed in one piece. A secret is one bytea row, written and read as one query
 * parameter: measured on the embedded PostgreSQL (bench/RESULTS.md, "Trigger sets at 224x224"),
 * 128 MB sealed in 19 s and opened in 3.7 s, and 240 MB failed in the driver ("Invalid string
 * length"). Trigger sets are the large secrets: 100 triggers at 224x224x3 take 60 MB.
 */
export const MAX_SECRET_BYTES = 128 * 1024 * 1024;

/**
 * A transaction that seals or opens a secret: room for the largest (19 s measured), not Prisma's
 * default 5 s. The vault's own transactions use it, and so must a caller's that seals in it.
 */
export const SECRET_TRANSACTION_TIMEOUT_MS = 120_000;

export class Vault {
  constructor(
    private readonly db: Database,
    private readonly master: MasterKeyring,
  ) {}

  /**
   * Seals `plaintext` for (tenant, purpose, record), replacing an earlier secret at the same
   * address. Pass `tx` to make the seal part of the caller's transaction.
   */
  async seal(address: SecretAddress, plaintext: Uint8Array, actor: Actor, tx?: Transaction): Promise<{ keyVersion: number }> {
    validateAddress(address);
    if (plaintext.length > MAX_SECRET_BYTES) {
      throw new VaultError('INVALID_VAULT_INPUT', `A secret of ${plaintext.length} bytes is larger than the ${MAX_SECRET_BYTES} bytes the vault seals in one piece.`);
    }
    const run = async (t: Transaction) => {
      const keyring = await this.ensureKeyring(t, address.tenantId);
      assertUsable(keyring);
      const kek = await this.openKeyEncryptionKey(t, keyring.id, keyring.currentVersion);
      const dek = randomKey();
      try {
        const keyringId = keyring.id;
        const ciphertext = seal(dek, plaintext, associatedData.payload(keyringId, address.purpose, address.recordId));
        const wrappedDataKey = seal(kek, dek, associatedData.dataKey(keyringId, address.purpose, address.recordId, keyring.currentVersion));
        const fields = { keyVersion: keyring.currentVersion, wrappedDataKey, ciphertext };
        await t.vaultSecret.upsert({
          where: { keyringId_purpose_recordId: { keyringId, purpose: address.purpose, recordId: address.recordId } },
          create: { keyringId, tenantId: address.tenantId, purpose: address.purpose, recordId: address.recordId, ...fields },
          update: fields,
        });
        await recordAudit(t, {
          tenantId: address.tenantId,
          actorApiKeyId: actor.apiKeyId,
          action: 'vault.seal',
          purpose: address.purpose,
          recordId: address.recordId,
          keyVersion: keyring.currentVersion,
          details: { bytes: plaintext.length },
        });
        return { keyVersion: keyring.currentVersion };
      } finally {
        wipe(kek, dek);
      }
    };
    return counted('seal', tx ? run(tx) : this.db.$transaction(run, { timeout: SECRET_TRANSACTION_TIMEOUT_MS }));
  }

  /**
   * Opens a sealed secret. The caller must wipe the returned bytes when done with them. Pass `tx`
   * when calling from inside a transaction: the unseal (and its audit event) then runs on that
   * transaction's connection instead of waiting for a second one from the pool.
   */
  async unseal(address: SecretAddress, actor: Actor, tx?: Transaction): Promise<Uint8Array> {
    validateAddress(address);
    const keyringId = keyringIdOf(address.tenantId);
    const run = async (t: Transaction) => {
      const keyring = await t.vaultKeyring.findUnique({ where: { id: keyringId } });
      const secret = await t.vaultSecret.findUnique({
        where: { keyringId_purpose_recordId: { keyringId, purpose: address.purpose, recordId: address.recordId } },
      });
      if (!keyring || !secret) throw new VaultError('SECRET_NOT_FOUND', `No ${address.purpose} secret for record ${address.recordId}.`);
      if (keyring.shreddedAt) throw new VaultError('KEYRING_SHREDDED', 'The keys of this tenant were destroyed; its secrets can no longer be opened.');
      if (secret.keyVersion < keyring.minVersion) {
        throw new VaultError(
          'KEY_VERSION_RETIRED',
          `This secret is sealed under key version ${secret.keyVersion}, which is retired (minimum version ${keyring.minVersion}).`,
        );
      }
      const kek = await this.openKeyEncryptionKey(t, keyringId, secret.keyVersion);
      let dek: Uint8Array | undefined;
      try {
        dek = open(kek, secret.wrappedDataKey, associatedData.dataKey(keyringId, address.purpose, address.recordId, secret.keyVersion), 'data key');
        const plaintext = open(dek, secret.ciphertext, associatedData.payload(keyringId, address.purpose, address.recordId), 'secret');
        await recordAudit(t, {
          tenantId: address.tenantId,
          actorApiKeyId: actor.apiKeyId,
          action: 'vault.unseal',
          purpose: address.purpose,
          recordId: address.recordId,
          keyVersion: secret.keyVersion,
        });
        return plaintext;
      } finally {
        wipe(kek, dek);
      }
    };
    return counted('unseal', tx ? run(tx) : this.db.$transaction(run, { timeout: SECRET_TRANSACTION_TIMEOUT_MS }));
  }

  /**
   * Destroys one sealed secret (its row, so its data key and ciphertext), with an audit event, in
   * `tx`: for secrets whose purpose is over (a rotated-out or deleted webhook secret). Missing is fine.
   */
  async discard(address: SecretAddress, actor: Actor, tx: Transaction): Promise<void> {
    validateAddress(address);
    const keyringId = keyringIdOf(address.tenantId);
    const { count } = await tx.vaultSecret.deleteMany({ where: { keyringId, purpose: address.purpose, recordId: address.recordId } });
    if (count === 0) return;
    await recordAudit(tx, { tenantId: address.tenantId, actorApiKeyId: actor.apiKeyId, action: 'vault.discard', purpose: address.purpose, recordId: address.recordId });
  }

  /** A new keyring version; new seals use it at once. Existing secrets keep opening until retired. */
  async rotate(tenantId: string | null, actor: Actor): Promise<KeyringStatus> {
    await this.db.$transaction(async (t) => {
      const keyring = await this.lockOrCreateKeyring(t, tenantId);
      assertUsable(keyring);
      const version = keyring.currentVersion + 1;
      await this.createKeyVersion(t, keyring.id, tenantId, version);
      await t.vaultKeyring.update({ where: { id: keyring.id }, data: { currentVersion: version } });
      await recordAudit(t, { tenantId, actorApiKeyId: actor.apiKeyId, action: 'vault.rotate', keyVersion: version });
    });
    return this.status(tenantId);
  }

  /**
   * Re-seals up to `batchSize` data keys still under an older version with the current one,
   * in one short transaction, without touching payloads. Call until `remaining` is 0: progress
   * lives in the rows themselves, so an interrupted rewrap simply resumes.
   */
  async rewrap(tenantId: string | null, actor: Actor, batchSize = DEFAULT_REWRAP_BATCH): Promise<{ rewrapped: number; remaining: number }> {
    const keyringId = keyringIdOf(tenantId);
    return this.db.$transaction(async (t) => {
      const keyring = await this.lockKeyring(t, keyringId);
      if (!keyring) return { rewrapped: 0, remaining: 0 };
      assertUsable(keyring);
      const stale = await t.vaultSecret.findMany({
        where: { keyringId, keyVersion: { lt: keyring.currentVersion, gte: keyring.minVersion } },
        take: batchSize,
        orderBy: { id: 'asc' },
      });
      const keks = new Map<number, Uint8Array>();
      const kekFor = async (version: number) => {
        if (!keks.has(version)) keks.set(version, await this.openKeyEncryptionKey(t, keyringId, version));
        return keks.get(version)!;
      };
      try {
        const current = await kekFor(keyring.currentVersion);
        for (const secret of stale) {
          const dek = open(await kekFor(secret.keyVersion), secret.wrappedDataKey, associatedData.dataKey(keyringId, secret.purpose, secret.recordId, secret.keyVersion), 'data key');
          try {
            const wrappedDataKey = seal(current, dek, associatedData.dataKey(keyringId, secret.purpose, secret.recordId, keyring.currentVersion));
            await t.vaultSecret.update({ where: { id: secret.id }, data: { wrappedDataKey, keyVersion: keyring.currentVersion } });
          } finally {
            wipe(dek);
          }
        }
      } finally {
        wipe(...keks.values());
      }
      const remaining = await t.vaultSecret.count({ where: { keyringId, keyVersion: { lt: keyring.currentVersion } } });
      if (stale.length > 0) {
        await recordAudit(t, {
          tenantId,
          actorApiKeyId: actor.apiKeyId,
          action: 'vault.rewrap',
          keyVersion: keyring.currentVersion,
          details: { rewrapped: stale.length, remaining },
        });
      }
      return { rewrapped: stale.length, remaining };
    });
  }

  /**
   * Retires every version below `minVersion`: secrets sealed under them no longer open, and
   * their key-encryption keys are destroyed. Refuses while secrets still use those versions,
   * unless `force` (which makes those secrets unrecoverable).
   */
  async retire(tenantId: string | null, minVersion: number, actor: Actor, options: { force?: boolean } = {}): Promise<KeyringStatus> {
    const keyringId = keyringIdOf(tenantId);
    await this.db.$transaction(async (t) => {
      const keyring = await this.lockKeyring(t, keyringId);
      if (!keyring) throw new VaultError('SECRET_NOT_FOUND', 'This tenant has no keys yet.');
      if (!Number.isInteger(minVersion) || minVersion < keyring.minVersion || minVersion > keyring.currentVersion) {
        throw new VaultError('INVALID_VAULT_INPUT', `The minimum version must be between ${keyring.minVersion} and ${keyring.currentVersion}.`, ['input', 'minVersion']);
      }
      const stillUsed = await t.vaultSecret.count({ where: { keyringId, keyVersion: { lt: minVersion } } });
      if (stillUsed > 0 && !options.force) {
        throw new VaultError('REWRAP_PENDING', `${stillUsed} secrets are still sealed under versions below ${minVersion}: rewrap them first.`);
      }
      const now = new Date();
      await t.vaultKeyring.update({ where: { id: keyringId }, data: { minVersion } });
      await t.vaultKey.updateMany({
        where: { keyringId, version: { lt: minVersion }, destroyedAt: null },
        data: { retiredAt: now, destroyedAt: now, wrappedKey: new Uint8Array() },
      });
      await recordAudit(t, { tenantId, actorApiKeyId: actor.apiKeyId, action: 'vault.retire', keyVersion: minVersion, details: { unrecoverableSecrets: stillUsed } });
    });
    return this.status(tenantId);
  }

  /**
   * Schedules crypto-shredding of a tenant's keyring; from now on nothing new is sealed in it.
   * `shredDue` (run by the platform every minute, and by deleteTenant right after its commit)
   * destroys the keys once the time has come.
   */
  async scheduleShred(tenantId: string, shredAfter: Date, actor: Actor, tx?: Transaction): Promise<void> {
    const run = async (t: Transaction) => {
      const keyring = await this.lockOrCreateKeyring(t, tenantId);
      await t.vaultKeyring.update({ where: { id: keyring.id }, data: { shredAfter } });
      await recordAudit(t, { tenantId, actorApiKeyId: actor.apiKeyId, action: 'vault.shred_scheduled', details: { shredAfter: shredAfter.toISOString() } });
    };
    await (tx ? run(tx) : this.db.$transaction(run));
  }

  /**
   * Destroys the key-encryption keys of every keyring whose shredding time has come. Without
   * them no data key, and so no secret, of that tenant can be opened by anyone, backups
   * included; the secret rows and the audit trail stay as metadata.
   */
  async shredDue(now: Date = new Date()): Promise<string[]> {
    const due = await this.db.vaultKeyring.findMany({ where: { shredAfter: { lte: now }, shreddedAt: null } });
    for (const keyring of due) {
      await this.db.$transaction(async (t) => {
        await t.vaultKey.updateMany({ where: { keyringId: keyring.id, destroyedAt: null }, data: { destroyedAt: now, wrappedKey: new Uint8Array() } });
        await t.vaultKeyring.update({ where: { id: keyring.id }, data: { shreddedAt: now } });
        await recordAudit(t, { tenantId: keyring.tenantId, actorApiKeyId: null, action: 'vault.shred' });
      });
    }
    return due.map((k) => k.id);
  }

  /** Re-seals every keyring version's key under the current master key version. */
  async rewrapUnderCurrentMasterKey(): Promise<number> {
    const stale = await this.db.vaultKey.findMany({ where: { destroyedAt: null, masterVersion: { not: this.master.currentVersion } } });
    for (const key of stale) {
      await this.db.$transaction(async (t) => {
        const kek = this.unwrapKeyEncryptionKey(key);
        try {
          const wrappedKey = seal(this.masterKey(this.master.currentVersion), kek, associatedData.keyEncryptionKey(key.keyringId, key.version, this.master.currentVersion));
          await t.vaultKey.update({ where: { id: key.id }, data: { wrappedKey, masterVersion: this.master.currentVersion } });
          await recordAudit(t, { tenantId: key.tenantId, actorApiKeyId: null, action: 'vault.master_rewrap', keyVersion: key.version, details: { masterVersion: this.master.currentVersion } });
        } finally {
          wipe(kek);
        }
      });
    }
    return stale.length;
  }

  /**
   * Creates the platform keyring on a fresh installation. Besides holding platform secrets, its
   * key is the canary that lets `verifyMasterKey` detect a wrong master key from the first start.
   */
  async ensurePlatformKeyring(): Promise<void> {
    await this.db.$transaction((t) => this.lockOrCreateKeyring(t, null));
  }

  /**
   * Start-up check: the master keyring must open one key of every master version in use.
   * A wrong key stops start-up instead of failing later on every unseal.
   */
  async verifyMasterKey(): Promise<void> {
    const versions = await this.db.vaultKey.groupBy({ by: ['masterVersion'], where: { destroyedAt: null } });
    for (const { masterVersion } of versions) {
      if (!this.master.keys.has(masterVersion)) {
        throw new MasterKeyError(`The database has keys sealed under master key version ${masterVersion}, which ${this.master.source} does not contain.`);
      }
      const sample = await this.db.vaultKey.findFirstOrThrow({ where: { destroyedAt: null, masterVersion } });
      try {
        wipe(this.unwrapKeyEncryptionKey(sample));
      } catch {
        throw new MasterKeyError(
          `The master key from ${this.master.source} (version ${masterVersion}) does not open this database's keys: it is not the key they were sealed with.`,
        );
      }
    }
  }

  async status(tenantId: string | null): Promise<KeyringStatus> {
    const keyringId = keyringIdOf(tenantId);
    const keyring = await this.db.vaultKeyring.findUnique({ where: { id: keyringId }, include: { keys: { orderBy: { version: 'asc' } } } });
    if (!keyring) return { currentVersion: 0, minVersion: 1, versions: [], pendingRewrap: 0, shredAfter: null, shreddedAt: null };
    return {
      currentVersion: keyring.currentVersion,
      minVersion: keyring.minVersion,
      versions: keyring.keys.map((k) => ({ version: k.version, createdAt: k.createdAt, retiredAt: k.retiredAt, destroyedAt: k.destroyedAt })),
      pendingRewrap: await this.db.vaultSecret.count({ where: { keyringId, keyVersion: { lt: keyring.currentVersion } } }),
      shredAfter: keyring.shredAfter,
      shreddedAt: keyring.shreddedAt,
    };
  }

  /**
   * The keyring of a tenant, created with version 1 on first use. Seals hold a shared lock on
   * the keyring, so they run in parallel with each other but never beside a rotation.
   */
  private async ensureKeyring(t: Transaction, tenantId: string | null): Promise<VaultKeyring> {
    const keyringId = keyringIdOf(tenantId);
    if (await t.vaultKeyring.findUnique({ where: { id: keyringId }, select: { id: true } })) {
      await t.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtext(${LOCK_PREFIX + keyringId}))`;
      return t.vaultKeyring.findUniqueOrThrow({ where: { id: keyringId } });
    }
    return this.lockOrCreateKeyring(t, tenantId);
  }

  /** Exclusive lock on the keyring, creating it (version 1) when missing. */
  private async lockOrCreateKeyring(t: Transaction, tenantId: string | null): Promise<VaultKeyring> {
    const keyringId = keyringIdOf(tenantId);
    const existing = await this.lockKeyring(t, keyringId);
    if (existing) return existing;
    await t.vaultKeyring.create({ data: { id: keyringId, tenantId, currentVersion: 1 } });
    await this.createKeyVersion(t, keyringId, tenantId, 1);
    return t.vaultKeyring.findUniqueOrThrow({ where: { id: keyringId } });
  }

  /** Exclusive lock for changes to one keyring (creation, rotation, rewrap, retirement), across processes. */
  private async lockKeyring(t: Transaction, keyringId: string): Promise<VaultKeyring | null> {
    await t.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK_PREFIX + keyringId}))`;
    return t.vaultKeyring.findUnique({ where: { id: keyringId } });
  }

  private async createKeyVersion(t: Transaction, keyringId: string, tenantId: string | null, version: number): Promise<void> {
    const kek = randomKey();
    try {
      const masterVersion = this.master.currentVersion;
      const wrappedKey = seal(this.masterKey(masterVersion), kek, associatedData.keyEncryptionKey(keyringId, version, masterVersion));
      await t.vaultKey.create({ data: { keyringId, tenantId, version, wrappedKey, masterVersion } });
    } finally {
      wipe(kek);
    }
  }

  private async openKeyEncryptionKey(t: Transaction, keyringId: string, version: number): Promise<Uint8Array> {
    const key = await t.vaultKey.findUnique({ where: { keyringId_version: { keyringId, version } } });
    if (!key || key.destroyedAt) {
      throw new VaultError('KEY_VERSION_RETIRED', `Key version ${version} has been destroyed; what it sealed can no longer be opened.`);
    }
    return this.unwrapKeyEncryptionKey(key);
  }

  private unwrapKeyEncryptionKey(key: { keyringId: string; version: number; masterVersion: number; wrappedKey: Uint8Array }): Uint8Array {
    return open(this.masterKey(key.masterVersion), key.wrappedKey, associatedData.keyEncryptionKey(key.keyringId, key.version, key.masterVersion), 'key-encryption key');
  }

  private masterKey(version: number): Uint8Array {
    const key = this.master.keys.get(version);
    if (!key) throw new MasterKeyError(`Master key version ${version} is not configured.`);
    return key;
  }
}

function assertUsable(keyring: VaultKeyring): void {
  if (keyring.shreddedAt || keyring.shredAfter) {
    throw new VaultError('KEYRING_SHREDDED', 'This tenant is being deleted: its keys are destroyed or scheduled for destruction.');
  }
}

function validateAddress(address: SecretAddress): void {
  if (!(VAULT_PURPOSES as readonly string[]).includes(address.purpose)) {
    throw new VaultError('INVALID_VAULT_INPUT', `Unknown vault purpose "${address.purpose}".`);
  }
  if (!address.recordId || address.recordId.length > 200 || address.recordId.includes('\u0000')) {
    throw new VaultError('INVALID_VAULT_INPUT', 'A record id must be 1 to 200 characters without NUL.');
  }
}

/** Counts a seal or unseal by outcome (fragmark_vault_operations_total); the result passes through. */
async function counted<T>(operation: 'seal' | 'unseal', work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    processMetrics.vaultOperations.inc({ operation, outcome: 'ok' });
    return result;
  } catch (error) {
    processMetrics.vaultOperations.inc({ operation, outcome: 'error' });
    throw error;
  }
}
