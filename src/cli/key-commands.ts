/**
 * API keys from the command line (TENANT_ADMIN or PLATFORM_ADMIN keys; any key may revoke itself):
 *
 *   fragmark keys create --name N --role TENANT_ADMIN|OPERATOR|VIEWER [--expires <ISO time>] [--tenant-id <id>]
 *   fragmark keys list [--all] [--first N]       active keys of your tenant (--all: revoked and expired too)
 *   fragmark keys revoke <apiKeyId>
 *
 * Nobody creates a key stronger than their own; --tenant-id (platform admins) mints it in that
 * tenant. The secret is printed once, on stdout (with --json, in the JSON object); only its
 * SHA-256 is stored.
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';
import { argument, fetchPage, printCreated, rowsText } from './command-helpers.ts';

const KEY_FIELDS = 'id name role prefix createdAt expiresAt revokedAt lastUsedAt active';
const ROLES = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'OPERATOR', 'VIEWER'];
const CREATE_USAGE = 'usage: fragmark keys create --name N --role TENANT_ADMIN|OPERATOR|VIEWER [--expires <ISO time>] [--tenant-id <id>]';

export async function keysCreate(flags: Flags, out: Out, json: boolean): Promise<number> {
  const name = flag(flags, 'name');
  const role = flag(flags, 'role')?.toUpperCase();
  if (!name || !role) throw new CliError(CREATE_USAGE, 2);
  if (!ROLES.includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}.`, 2);
  const expires = flag(flags, 'expires');
  if (expires !== undefined && Number.isNaN(Date.parse(expires))) throw new CliError('--expires must be an ISO 8601 time, e.g. 2027-06-30T00:00:00Z.', 2);
  const tenantId = flag(flags, 'tenant-id');
  const { apiKey, secret } = await new ApiClient(clientOptions(flags)).mutate(
    'createApiKey',
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { ${KEY_FIELDS} } secret userErrors { code message } } }`,
    { input: { name, role, ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}), ...(tenantId ? { tenantId } : {}) } },
  );
  const human = `Created ${apiKey.role} key ${apiKey.name} (${apiKey.id}, ${apiKey.prefix}…${apiKey.expiresAt ? `, expires ${apiKey.expiresAt}` : ''}). Its secret, shown once, is on stdout.`;
  return printCreated(out, json, human, { apiKey, secret }, secret);
}

export async function keysList(flags: Flags, out: Out): Promise<number> {
  const { totalCount, nodes } = await fetchPage(flags, 'apiKeys', 'ApiKeyFilter', flags.has('all') ? null : { active: true }, KEY_FIELDS);
  const rows = nodes.map((k) => {
    const state = k.revokedAt ? `  (revoked ${k.revokedAt})` : !k.active ? `  (expired ${k.expiresAt})` : k.expiresAt ? `  (expires ${k.expiresAt})` : '';
    return `${k.id}  ${k.prefix}…  ${k.role.padEnd(14)} ${k.name}${state}${k.lastUsedAt ? `  last used ${k.lastUsedAt}` : ''}`;
  });
  out(rowsText(rows, totalCount, flags.has('all') ? 'No keys.' : 'No active keys.'), { ok: true, totalCount, apiKeys: nodes });
  return 0;
}

export async function keysRevoke(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark keys revoke <apiKeyId>');
  const client = new ApiClient(clientOptions(flags));
  const { apiKey } = await client.mutate('revokeApiKey', `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { ${KEY_FIELDS} } userErrors { code message } } }`, { id });
  out(`Revoked key ${apiKey.name} (${apiKey.id}) at ${apiKey.revokedAt}.`, { ok: true, apiKey });
  return 0;
}
