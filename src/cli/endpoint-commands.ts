/**
 * Registered endpoints from the command line (tenant admin keys register; any key lists):
 *
 *   fragmark endpoints register <modelVersionId> --endpoint <url> --protocol kserve-v2|tf-serving
 *       [--name N] [--model-name M] [--input-format FLOAT32|UINT8] [--credential-env VAR]
 *   fragmark endpoints list <modelVersionId>
 *
 * `register` prints the new endpoint's id on stdout. The credential is read from an environment variable, never from the command line (where any
 * user of the machine can read it in the process list).
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { endpointFlags, flag, type Flags, type Out } from './client-commands.ts';

const ENDPOINT_FIELDS = 'id name registered url protocol modelName inputFormat hasCredential createdAt';
export const REGISTER_USAGE =
  'usage: fragmark endpoints register <modelVersionId> --endpoint <url> --protocol kserve-v2|tf-serving [--name N] [--model-name M] [--input-format FLOAT32|UINT8] [--credential-env VAR]';

export async function endpointsRegister(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const [modelVersionId] = args;
  const url = flag(flags, 'endpoint');
  if (!modelVersionId || !url) throw new CliError(REGISTER_USAGE, 2);
  const endpoint: Record<string, string> = endpointFlags(flags, url);
  const credentialEnv = flag(flags, 'credential-env');
  if (credentialEnv !== undefined) {
    const credential = process.env[credentialEnv];
    if (!credential) throw new CliError(`--credential-env ${credentialEnv}: that environment variable is not set.`, 2);
    endpoint.credential = credential;
  }
  const client = new ApiClient(clientOptions(flags));
  const { endpoint: registered } = await client.mutate(
    'registerEndpoint',
    `mutation($input: RegisterEndpointInput!) { registerEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } userErrors { code message } } }`,
    { input: { modelVersionId, endpoint, ...(flag(flags, 'name') ? { name: flag(flags, 'name') } : {}) } },
  );
  out(`Registered endpoint ${registered.name} (${registered.id}): ${registered.protocol} ${registered.url}`, { ok: true, endpoint: registered });
  // Its id on stdout, for scripts: ENDPOINT_ID=$(fragmark endpoints register ...).
  if (!json) process.stdout.write(`${registered.id}\n`);
  return 0;
}

export async function endpointsList(args: string[], flags: Flags, out: Out): Promise<number> {
  const [modelVersionId] = args;
  if (!modelVersionId) throw new CliError('usage: fragmark endpoints list <modelVersionId>', 2);
  const client = new ApiClient(clientOptions(flags));
  const { modelVersion } = await client.graphql(`query($id: ID!) { modelVersion(id: $id) { endpoints { ${ENDPOINT_FIELDS} } } }`, { id: modelVersionId });
  if (!modelVersion) throw new CliError('No such model version.', 1);
  const rows = modelVersion.endpoints.map((e: any) => `${e.id}  ${e.name.padEnd(16)} ${e.protocol.padEnd(15)} ${e.url}${e.hasCredential ? '  (credential)' : ''}`);
  out(rows.length ? rows.join('\n') : 'No registered endpoints.', { ok: true, endpoints: modelVersion.endpoints });
  return 0;
}
