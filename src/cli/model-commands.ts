/**
 * Models and their versions from the command line (any tenant key lists and shows; OPERATOR or
 * stronger registers):
 *
 *   fragmark models register <name> [--description D] [--tags a,b]
 *   fragmark models list [--name N] [--tag T] [--first N]
 *   fragmark models show <modelId>
 *   fragmark versions list <modelId> [--first N]
 *   fragmark versions show <modelVersionId>
 *
 * `models register` prints the new model's id on stdout (its human line goes to stderr), so a
 * script can keep it: MODEL=$(fragmark models register digits).
 * (models push, attach-signature: client-commands.ts, signing-commands.ts.)
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';
import { argument, firstFlag, nodesOf, rowsText } from './listing.ts';

const MODEL_FIELDS = 'id name description tags createdAt aliases { name version { id label } } verificationCounts { intact tampered error pending } latestVerification { id verdict completedAt }';
const VERSION_FIELDS = `id label status format inputShape inputLayout numClasses weightsDigest artifactDigest artifactBytes uploadedAt createdAt aliases
  inputDomain { min max encoding } signature { format publicKeySha256 verifiedAt } model { id name }
  endpoints { id name url protocol } verificationCounts { intact tampered error pending } latestVerification { id verdict completedAt }`;

export async function modelsRegister(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const name = argument(args, 0, 'fragmark models register <name> [--description D] [--tags a,b]');
  const tags = flag(flags, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean);
  const client = new ApiClient(clientOptions(flags));
  const { model } = await client.mutate(
    'registerModel',
    `mutation($input: RegisterModelInput!) { registerModel(input: $input) { model { ${MODEL_FIELDS} } userErrors { code message } } }`,
    { input: { name, ...(flag(flags, 'description') ? { description: flag(flags, 'description') } : {}), ...(tags ? { tags } : {}) } },
  );
  out(`Registered model ${model.name} (${model.id}). Push a version with: fragmark models push ${model.id} <file|dir> --version <label>`, { ok: true, model });
  if (!json) process.stdout.write(`${model.id}\n`);
  return 0;
}

export async function modelsList(flags: Flags, out: Out): Promise<number> {
  const filter = { ...(flag(flags, 'name') ? { name: flag(flags, 'name') } : {}), ...(flag(flags, 'tag') ? { tag: flag(flags, 'tag') } : {}) };
  const client = new ApiClient(clientOptions(flags));
  const { models } = await client.graphql(`query($first: Int, $filter: ModelFilter) { models(first: $first, filter: $filter) { totalCount edges { node { ${MODEL_FIELDS} } } } }`, {
    first: firstFlag(flags),
    filter,
  });
  const nodes = nodesOf(models);
  const rows = nodes.map((m: any) => `${m.id}  ${m.name.padEnd(20)} ${latest(m.latestVerification).padEnd(9)} ${m.tags.length ? `[${m.tags.join(', ')}]` : ''}`.trimEnd());
  out(rowsText(rows, models.totalCount, 'No models.'), { ok: true, totalCount: models.totalCount, models: nodes });
  return 0;
}

export async function modelsShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark models show <modelId>');
  const client = new ApiClient(clientOptions(flags));
  const { model } = await client.graphql(
    `query($id: ID!) { model(id: $id) { ${MODEL_FIELDS} versions(first: 100) { totalCount edges { node { id label status createdAt } } } } }`,
    { id },
  );
  if (!model) throw new CliError(`No model ${id} in your tenant.`);
  const { versions, ...rest } = model;
  const lines = [
    `Model ${model.name} (${model.id}), registered ${model.createdAt}`,
    ...(model.description ? [`  ${model.description}`] : []),
    `  tags: ${model.tags.join(', ') || '-'}`,
    `  aliases: ${model.aliases.map((a: any) => `${a.name} -> ${a.version.label}`).join(', ') || '-'}`,
    `  verifications: ${counts(model.verificationCounts)}; latest ${latest(model.latestVerification)}`,
    `  versions (${versions.totalCount}):`,
    ...nodesOf(versions).map((v: any) => `    ${v.id}  ${v.label.padEnd(12)} ${v.status}`),
  ];
  out(lines.join('\n'), { ok: true, model: { ...rest, versions: nodesOf(versions), versionCount: versions.totalCount } });
  return 0;
}

export async function versionsList(args: string[], flags: Flags, out: Out): Promise<number> {
  const modelId = argument(args, 0, 'fragmark versions list <modelId> [--first N]');
  const client = new ApiClient(clientOptions(flags));
  const { model } = await client.graphql(`query($id: ID!, $first: Int) { model(id: $id) { versions(first: $first) { totalCount edges { node { ${VERSION_FIELDS} } } } } }`, {
    id: modelId,
    first: firstFlag(flags),
  });
  if (!model) throw new CliError(`No model ${modelId} in your tenant.`);
  const nodes = nodesOf(model.versions);
  const rows = nodes.map((v: any) => `${v.id}  ${v.label.padEnd(12)} ${v.status.padEnd(15)} ${v.format.padEnd(8)} ${latest(v.latestVerification)}`.trimEnd());
  out(rowsText(rows, model.versions.totalCount, 'No versions.'), { ok: true, totalCount: model.versions.totalCount, versions: nodes });
  return 0;
}

export async function versionsShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark versions show <modelVersionId>');
  const client = new ApiClient(clientOptions(flags));
  const { modelVersion: v } = await client.graphql(`query($id: ID!) { modelVersion(id: $id) { ${VERSION_FIELDS} } }`, { id });
  if (!v) throw new CliError(`No model version ${id} in your tenant.`);
  const lines = [
    `Version ${v.label} of ${v.model.name} (${v.id}): ${v.status}`,
    `  format ${v.format}, input ${JSON.stringify(v.inputShape)} ${v.inputLayout} in [${v.inputDomain.min}, ${v.inputDomain.max}] ${v.inputDomain.encoding}, ${v.numClasses ?? '?'} classes`,
    `  weights digest ${v.weightsDigest ?? '-'}, artifact ${v.artifactBytes ?? '-'} bytes${v.uploadedAt ? `, uploaded ${v.uploadedAt}` : ''}`,
    `  signature: ${v.signature ? `${v.signature.format}, key sha256 ${v.signature.publicKeySha256}` : '-'}; aliases: ${v.aliases.join(', ') || '-'}`,
    `  endpoints: ${v.endpoints.map((e: any) => `${e.name} (${e.id})`).join(', ') || '-'}`,
    `  verifications: ${counts(v.verificationCounts)}; latest ${latest(v.latestVerification)}`,
  ];
  out(lines.join('\n'), { ok: true, modelVersion: v });
  return 0;
}

function latest(v: { verdict: string } | null): string {
  return v ? v.verdict : 'unverified';
}

function counts(c: { intact: number; tampered: number; error: number; pending: number }): string {
  return `${c.intact} intact, ${c.tampered} tampered, ${c.error} error, ${c.pending} pending`;
}
