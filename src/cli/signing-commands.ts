/**
 * `fragmark` commands for OpenSSF model signing (src/registry/model-signing/README.md). They send
 * files as they are; the server checks them.
 *
 *   fragmark signing-keys register <name> <public-key.pem>      TENANT_ADMIN key
 *   fragmark signing-keys list [--all]
 *   fragmark signing-keys revoke <signingKeyId>                 TENANT_ADMIN key
 *   fragmark models attach-signature <modelVersionId> <model.sig> --signing-key <signingKeyId>
 */
import { readFile } from 'node:fs/promises';
import { ApiClient, CliError, clientOptions } from './api-client.ts';

type Flags = Map<string, string | true>;
type Out = (human: string, data: object) => void;

/** A local file's text; a missing or unreadable one is a usage error (exit 2). */
async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 2);
  }
}

export async function signingKeysRegister(args: string[], flags: Flags, out: Out): Promise<number> {
  const [name, pemFile] = args;
  if (!name || !pemFile) throw new CliError('usage: fragmark signing-keys register <name> <public-key.pem>', 2);
  const publicKeyPem = await readText(pemFile, 'public key');
  const { signingKey } = await new ApiClient(clientOptions(flags)).mutate(
    'registerModelSigningKey',
    `mutation($input: RegisterModelSigningKeyInput!) { registerModelSigningKey(input: $input) { signingKey { id name algorithm publicKeySha256 createdAt } userErrors { code message } } }`,
    { input: { name, publicKeyPem } },
  );
  out(`Registered signing key ${signingKey.id} (${signingKey.algorithm}, SPKI sha256 ${signingKey.publicKeySha256}).`, { ok: true, signingKey });
  return 0;
}

export async function signingKeysList(flags: Flags, out: Out): Promise<number> {
  const data = await new ApiClient(clientOptions(flags)).graphql(
    `query($active: Boolean) { modelSigningKeys(first: 100, filter: { active: $active }) { totalCount edges { node { id name algorithm publicKeySha256 createdAt revokedAt } } } }`,
    { active: flags.has('all') ? null : true },
  );
  const keys = data.modelSigningKeys.edges.map((e: { node: object }) => e.node);
  const lines = keys.map((k: { id: string; name: string; algorithm: string; publicKeySha256: string; revokedAt: string | null }) =>
    `${k.id}  ${k.algorithm.padEnd(10)}  ${k.publicKeySha256.slice(0, 16)}…  ${k.name}${k.revokedAt ? `  (revoked ${k.revokedAt})` : ''}`,
  );
  out(lines.length ? lines.join('\n') : 'No signing keys.', { ok: true, totalCount: data.modelSigningKeys.totalCount, signingKeys: keys });
  return 0;
}

export async function signingKeysRevoke(args: string[], flags: Flags, out: Out): Promise<number> {
  const [id] = args;
  if (!id) throw new CliError('usage: fragmark signing-keys revoke <signingKeyId>', 2);
  const revoked = await new ApiClient(clientOptions(flags)).mutate(
    'revokeModelSigningKey',
    `mutation($id: ID!) { revokeModelSigningKey(input: { id: $id }) { signingKey { id revokedAt } withdrawnSignatures userErrors { code message } } }`,
    { id },
  );
  out(`Revoked signing key ${id}; withdrew ${revoked.withdrawnSignatures} model signature(s) it had verified.`, {
    ok: true,
    signingKey: revoked.signingKey,
    withdrawnSignatures: revoked.withdrawnSignatures,
  });
  return 0;
}

export async function modelsAttachSignature(args: string[], flags: Flags, out: Out): Promise<number> {
  const [modelVersionId, bundleFile] = args;
  const signingKeyId = typeof flags.get('signing-key') === 'string' ? (flags.get('signing-key') as string) : undefined;
  if (!modelVersionId || !bundleFile || !signingKeyId) throw new CliError('usage: fragmark models attach-signature <modelVersionId> <model.sig> --signing-key <signingKeyId>', 2);
  const bundle = await readText(bundleFile, 'signature bundle');
  const { modelVersion } = await new ApiClient(clientOptions(flags)).mutate(
    'attachModelSignature',
    `mutation($input: AttachModelSignatureInput!) { attachModelSignature(input: $input) { modelVersion { id signature { format publicKeySha256 verifiedAt signingKey { id name } } } userErrors { code message } } }`,
    { input: { modelVersionId, signingKeyId, bundle } },
  );
  const signature = modelVersion.signature;
  out(`Verified the ${signature.format} signature of version ${modelVersion.id} with key "${signature.signingKey.name}" at ${signature.verifiedAt}.`, { ok: true, modelVersion });
  return 0;
}
