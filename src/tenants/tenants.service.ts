/**
 * Tenants: customer organisations. Creating one is a platform-admin act and also mints the
 * tenant's first TENANT_ADMIN key, in the same transaction, so no tenant exists without a way in.
 */
import type { Database } from '../db/client.ts';
import type { ApiKey, Tenant } from '../db/generated/client.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { generateApiKeySecret } from '../auth/api-key-secret.ts';
import { AuthError, requireActor } from '../auth/auth.errors.ts';
import { TenantsError } from './tenants.errors.ts';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface CreateTenantInput {
  name: string;
  slug?: string | null;
}

export interface CreatedTenant {
  tenant: Tenant;
  adminKey: ApiKey;
  adminKeySecret: string;
}

export class TenantsService {
  constructor(
    private readonly db: Database,
    private readonly actor: Actor | null,
  ) {}

  /** The caller's tenant (null for platform admins). */
  async current(): Promise<Tenant | null> {
    const actor = requireActor(this.actor);
    if (!actor.tenantId) return null;
    return scopeToTenant(this.db, actor.tenantId).tenant.findFirst({ where: {} });
  }

  async create(input: CreateTenantInput): Promise<CreatedTenant> {
    const actor = requireActor(this.actor);
    if (actor.role !== 'PLATFORM_ADMIN') throw new AuthError('FORBIDDEN', 'Only platform admins can create tenants.');
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new TenantsError('INVALID_INPUT', 'name must be 1 to 200 characters.', ['input', 'name']);
    }
    const slug = input.slug?.trim() || slugify(name);
    if (!SLUG.test(slug)) {
      throw new TenantsError(
        'INVALID_INPUT',
        'slug must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen.',
        ['input', 'slug'],
      );
    }
    const generated = generateApiKeySecret();
    try {
      return await this.db.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({ data: { name, slug } });
        const adminKey = await tx.apiKey.create({
          data: {
            tenantId: tenant.id,
            name: 'First admin key',
            role: 'TENANT_ADMIN',
            prefix: generated.displayPrefix,
            secretHash: generated.hash,
            createdById: actor.apiKeyId,
          },
        });
        return { tenant, adminKey, adminKeySecret: generated.secret };
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') {
        throw new TenantsError('SLUG_TAKEN', `A tenant with slug "${slug}" already exists.`, ['input', 'slug']);
      }
      throw error;
    }
  }
}

function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
