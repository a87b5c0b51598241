/**
 * API keys: minting, revocation, listing and authentication.
 * See api-key-secret.ts for the secret format and why SHA-256 storage is enough.
 */
import type { Database } from '../db/client.ts';
import type { ApiKey } from '../db/generated/client.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import type { Actor } from '../auth/actor.ts';
import { generateApiKeySecret, hashApiKeySecret, isWellFormedApiKey } from './api-key-secret.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { isAtLeast, ROLES, type Role } from '../auth/roles.ts';
import { recordAudit } from '../audit/audit.ts';
import { keyBySecretHash, touchLastUsed, type ApiKeysRepository } from './api-keys.repository.ts';

/** Writing lastUsedAt on every request would turn reads into writes; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_NAME_LENGTH = 100;

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  expiresAt?: Date | null;
  /** Platform admins only: mint a key inside this tenant. */
  tenantId?: string | null;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** Shown to the caller once; never stored. */
  secret: string;
}

export class ApiKeyAuthenticator {
  constructor(private readonly db: Database) {}

  /** Resolves a bearer secret to its actor, or refuses with one generic reason per case. */
  async authenticate(secret: string, now: Date = new Date()): Promise<Actor> {
    if (!isWellFormedApiKey(secret)) throw new AuthError('UNAUTHENTICATED', 'The API key is malformed.');
    const key = await keyBySecretHash(this.db, hashApiKeySecret(secret));
    if (!key) throw new AuthError('UNAUTHENTICATED', 'The API key is not valid.');
    if (key.revokedAt) throw new AuthError('UNAUTHENTICATED', 'The API key has been revoked.');
    if (key.expiresAt && key.expiresAt <= now) throw new AuthError('UNAUTHENTICATED', 'The API key has expired.');
    if (key.tenant?.deletedAt) throw new AuthError('UNAUTHENTICATED', 'The tenant of this API key has been deleted.');
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await touchLastUsed(this.db, key.id, now);
    }
    return { apiKeyId: key.id, role: key.role, tenantId: key.tenantId };
  }
}

export class ApiKeysService {
  /** `keys`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly keys: ApiKeysRepository | null,
    private readonly actor: Actor | null,
  ) {}

  /** The caller's own key. */
  async current(): Promise<ApiKey> {
    const actor = requireActor(this.actor);
    return this.keys!.own(actor.apiKeyId);
  }

  async create(input: CreateApiKeyInput, now: Date = new Date()): Promise<CreatedApiKey> {
    const actor = requireActor(this.actor);
    if (!isAtLeast(actor.role, 'TENANT_ADMIN')) {
      throw new AuthError('FORBIDDEN', 'Only TENANT_ADMIN or PLATFORM_ADMIN keys can create API keys.');
    }
    const name = validateName(input.name);
    if (!(ROLES as readonly string[]).includes(input.role)) throw new AuthError('INVALID_INPUT', 'Unknown role.', ['input', 'role']);
    if (!isAtLeast(actor.role, input.role)) {
      throw new AuthError('ROLE_ESCALATION', `A ${actor.role} key cannot create a ${input.role} key.`, ['input', 'role']);
    }
    if (input.expiresAt && input.expiresAt <= now) {
      throw new AuthError('INVALID_INPUT', 'expiresAt must be in the future.', ['input', 'expiresAt']);
    }

    let keys = this.keys!;
    let tenantId = actor.tenantId;
    if (input.tenantId) {
      if (actor.role !== 'PLATFORM_ADMIN') {
        throw new AuthError('FORBIDDEN', 'Only platform admins can create keys in another tenant.', ['input', 'tenantId']);
      }
      const tenant = await keys.liveTenant(input.tenantId);
      if (!tenant) throw new AuthError('TENANT_NOT_FOUND', 'No such tenant.', ['input', 'tenantId']);
      keys = keys.inTenant(tenant);
      tenantId = tenant;
    }
    if (input.role === 'PLATFORM_ADMIN' && tenantId !== null) {
      throw new AuthError('INVALID_INPUT', 'PLATFORM_ADMIN keys belong to no tenant.', ['input', 'role']);
    }
    if (input.role !== 'PLATFORM_ADMIN' && tenantId === null) {
      throw new AuthError('INVALID_INPUT', `A ${input.role} key must belong to a tenant: pass tenantId.`, ['input', 'tenantId']);
    }

    const generated = generateApiKeySecret();
    const apiKey = await keys.transaction(async (tx) => {
      const created = await keys.create(tx, {
        name,
        role: input.role,
        prefix: generated.displayPrefix,
        secretHash: generated.hash,
        createdById: actor.apiKeyId,
        expiresAt: input.expiresAt ?? null,
      });
      await recordAudit(tx, { tenantId, actorApiKeyId: actor.apiKeyId, action: 'api_key.create', recordId: created.id, details: { role: input.role } });
      return created;
    });
    return { apiKey, secret: generated.secret };
  }

  /**
   * Admins revoke any key in their scope; any key may revoke itself (for a leaked key).
   * Revoking twice is harmless and keeps the first revocation time.
   */
  async revoke(id: string, now: Date = new Date()): Promise<ApiKey> {
    const actor = requireActor(this.actor);
    if (id !== actor.apiKeyId && !isAtLeast(actor.role, 'TENANT_ADMIN')) {
      throw new AuthError('FORBIDDEN', 'Only admins can revoke other keys.');
    }
    const key = await this.findInScope(id);
    if (key.revokedAt) return key;
    const keys = this.keys!;
    return keys.transaction(async (tx) => {
      const revoked = await keys.revoke(tx, key.id, now);
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'api_key.revoke', recordId: key.id });
      return revoked;
    });
  }

  async list(page: PageRequest, filter: { active?: boolean | null } = {}, now: Date = new Date()): Promise<Page<ApiKey>> {
    const actor = requireActor(this.actor);
    if (!isAtLeast(actor.role, 'TENANT_ADMIN')) throw new AuthError('FORBIDDEN', 'Only admins can list API keys.');
    return this.keys!.list(filter.active, now, page);
  }

  private async findInScope(id: string): Promise<ApiKey> {
    const key = await this.keys!.get(id);
    if (!key) throw new AuthError('API_KEY_NOT_FOUND', 'No such API key.', ['input', 'id']);
    return key;
  }
}

function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new AuthError('INVALID_INPUT', `name must be 1 to ${MAX_NAME_LENGTH} characters.`, ['input', 'name']);
  }
  return trimmed;
}

