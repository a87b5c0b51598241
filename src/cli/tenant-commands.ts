/**
 * Tenants from the command line (PLATFORM_ADMIN keys only):
 *
 *   fragmark tenants create <name> [--slug S]    prints the tenant's first TENANT_ADMIN key once, on stdout
 *   fragmark tenants list [--all] [--first N]    tenants not deleted (--all: deleted ones too)
 *
 * The admin key's secret goes to stdout only (with --json, in the JSON object), so that it can be
 * piped into a secret store; the human line on stderr names the tenant, never the secret.
 */
import { ApiClient, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';
import { argument, fetchPage, printCreated, rowsText } from './command-helpers.ts';

const TENANT_FIELDS = 'id name slug createdAt deletedAt';

export async function tenantsCreate(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const name = argument(args, 0, 'fragmark tenants create <name> [--slug S]');
  const { tenant, adminKey, adminKeySecret } = await new ApiClient(clientOptions(flags)).mutate(
    'createTenant',
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { ${TENANT_FIELDS} } adminKey { id name role prefix } adminKeySecret userErrors { code message } } }`,
    { input: { name, ...(flag(flags, 'slug') ? { slug: flag(flags, 'slug') } : {}) } },
  );
  const human = `Created tenant ${tenant.name} (${tenant.slug}, ${tenant.id}). Its first TENANT_ADMIN key (${adminKey.prefix}…), shown once, is on stdout.`;
  return printCreated(out, json, human, { tenant, adminKey, adminKeySecret }, adminKeySecret);
}

export async function tenantsList(flags: Flags, out: Out): Promise<number> {
  const { totalCount, nodes } = await fetchPage(flags, 'tenants', 'TenantFilter', flags.has('all') ? null : { active: true }, TENANT_FIELDS);
  const rows = nodes.map((t) => `${t.id}  ${t.slug.padEnd(20)} ${t.name}${t.deletedAt ? `  (deleted ${t.deletedAt})` : ''}`);
  out(rowsText(rows, totalCount, 'No tenants.'), { ok: true, totalCount, tenants: nodes });
  return 0;
}
