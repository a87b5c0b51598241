/**
 * Start-up of the vault: load the master keyring (generating it only on a fresh installation),
 * prove it opens this database's keys, and shred keyrings whose deletion grace period is over.
 */
import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import { loadMasterKeyring } from './master-key.ts';
import { Vault } from './vault.ts';

export async function openVault(db: Database, config: Config, logger: Logger): Promise<Vault> {
  const sealedKeys = await db.vaultKey.count();
  const master = await loadMasterKeyring(config.vault, sealedKeys === 0, (message) => logger.warn(message));
  const vault = new Vault(db, master);
  await vault.verifyMasterKey();
  await vault.ensurePlatformKeyring();
  const shredded = await vault.shredDue();
  if (shredded.length > 0) logger.info('crypto-shredded deleted tenants', { keyrings: shredded.length });
  return vault;
}
