/**
 * Key management as tenants and platform admins see it: keyring status, rotation, rewrap and
 * retirement. Tenant admins act on their own keyring; platform admins on any tenant's, or on
 * the platform keyring when no tenant is named.
 */
import type { Actor } from '../auth/actor.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { isAtLeast } from '../auth/roles.ts';
import type { KeyringStatus, Vault } from '../vault/vault.ts';
import { VaultError } from '../vault/vault.errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { KeysRepository } from './keys.repository.ts';

const MAX_BATCH_SIZE = 5000;

/** How much rewrapping rotateTenantKey does in the request before handing the rest to a job. */
export interface RewrapSettings {
  batchSize: number;
  batchesPerRequest: number;
}

export const DEFAULT_REWRAP_SETTINGS: RewrapSettings = { batchSize: 500, batchesPerRequest: 10 };

export interface RewrapResult {
  keyring: KeyringStatus;
  rewrapped: number;
  remaining: number;
  /** The background REWRAP job finishing the rest, when the request did not. */
  jobId?: string | null;
}

export class KeyManagementService {
  constructor(
    private readonly keys: KeysRepository,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
    private readonly rewrapSettings: RewrapSettings = DEFAULT_REWRAP_SETTINGS,
  ) {}

  async status(tenantId?: string | null): Promise<KeyringStatus> {
    return this.vault.status(await this.target(tenantId));
  }

  /**
   * New key version. With `rewrap`, existing secrets move onto it: a bounded number of batches
   * in this request, the rest in a background REWRAP job (resumable: progress lives in the rows,
   * so a job that dies is retried from where the rows stand). Never one long transaction.
   */
  async rotate(tenantId: string | null | undefined, rewrap: boolean): Promise<RewrapResult> {
    const target = await this.target(tenantId);
    await this.vault.rotate(target, this.vaultActor());
    let rewrapped = 0;
    let remaining = (await this.vault.status(target)).pendingRewrap;
    const { batchSize, batchesPerRequest } = this.rewrapSettings;
    for (let batch = 0; rewrap && remaining > 0 && batch < batchesPerRequest; batch++) {
      const result = await this.vault.rewrap(target, this.vaultActor(), batchSize);
      rewrapped += result.rewrapped;
      remaining = result.remaining;
      if (result.rewrapped === 0) break;
    }
    let jobId: string | null = null;
    if (rewrap && remaining > 0 && target !== null) {
      const job = await this.keys.enqueueRewrap(this.queue, target, `${remaining} secrets to rewrap.`);
      jobId = job.id;
    }
    return { keyring: await this.vault.status(target), rewrapped, remaining, jobId };
  }

  async rewrap(tenantId: string | null | undefined, batchSize: number): Promise<RewrapResult> {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new VaultError('INVALID_VAULT_INPUT', `batchSize must be between 1 and ${MAX_BATCH_SIZE}.`, ['input', 'batchSize']);
    }
    const target = await this.target(tenantId);
    const result = await this.vault.rewrap(target, this.vaultActor(), batchSize);
    return { keyring: await this.vault.status(target), ...result };
  }

  async retire(tenantId: string | null | undefined, minVersion: number, force: boolean): Promise<KeyringStatus> {
    return this.vault.retire(await this.target(tenantId), minVersion, this.vaultActor(), { force });
  }

  /** Resolves and authorises the keyring to act on. */
  private async target(tenantId: string | null | undefined): Promise<string | null> {
    const actor = requireActor(this.actor);
    if (!isAtLeast(actor.role, 'TENANT_ADMIN')) throw new AuthError('FORBIDDEN', 'Only admins manage keys.');
    if (!tenantId || tenantId === actor.tenantId) return actor.tenantId;
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', "Only platform admins manage other tenants' keys.");
    const tenant = await this.keys.liveTenant(tenantId);
    if (!tenant) throw new AuthError('TENANT_NOT_FOUND', 'No such tenant.', ['input', 'tenantId']);
    return tenant;
  }

  private vaultActor() {
    return { apiKeyId: this.actor?.apiKeyId ?? null };
  }
}
