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
import { ApiClient, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';
import { argument, fetchOne, fetchPage, firstFlag, pageOf, printCreated, rowsText } from './command-helpers.ts';

const MODEL_FIELDS = 'id name description tags createdAt aliases { name version { id label } } verificationCounts { intact tampered error pending } latestVerification { id verdict completedAt }';
const VERSION_FIELDS = `id label status format inputShape inputLayout numClasses weightsDigest artifactDigest artifactBytes uploadedAt createdAt aliases
  inputDomain { min max encoding } signature { format publicKeySha256 verifiedAt } model { id name }
  endpoints { id name url protocol } verificationCounts { intact tampered error pending } latestVerification { id verdict completedAt }`;

export async function modelsRegister(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const name = argument(args, 0, 'fragmark models register <name> [--description D] [--tags a,b]');
  const tags = flag(flags, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean);
  const description = flag(flags, 'description');
  const { model } = await new ApiClient(clientOptions(flags)).mutate(
    'registerModel',
    `mutation($input: RegisterModelInput!) { registerModel(input: $input) { model { ${MODEL_FIELDS} } userErrors { code message } } }`,
    { input: { name, ...(description ? { description } : {}), ...(tags ? { tags } : {}) } },
  );
  const human = `Registered model ${model.name} (${model.id}). Push a version with: fragmark models push ${model.id} <file|dir> --version <label>`;
  return printCreated(out, json, human, { model }, model.id);
}

export async function modelsList(flags: Flags, out: Out): Promise<number> {
  const filter = { ...(flag(flags, 'name') ? { name: flag(flags, 'name') } : {}), ...(flag(flags, 'tag') ? { tag: flag(flags, 'tag') } : {}) };
  const { totalCount, nodes } = await fetchPage(flags, 'models', 'ModelFilter', filter, MODEL_FIELDS);
  const rows = nodes.map((m) => `${m.id}  ${m.name.padEnd(20)} ${latest(m.latestVerification).padEnd(9)} ${m.tags.length ? `[${m.tags.join(', ')}]` : ''}`.trimEnd());
  out(rowsText(rows, totalCount, 'No models.'), { ok: true, totalCount, models: nodes });
  return 0;
}

export async function modelsShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark models show <modelId>');
  const { versions: connection, ...model } = await fetchOne(flags, 'model', id, `${MODEL_FIELDS} versions(first: 100) { totalCount edges { node { id label status createdAt } } }`, 'model');
  const versions = pageOf(connection);
  const lines = [
    `Model ${model.name} (${model.id}), registered ${model.createdAt}`,
    ...(model.description ? [`  ${model.description}`] : []),
    `  tags: ${model.tags.join(', ') || '-'}`,
    `  aliases: ${model.aliases.map((a: any) => `${a.name} -> ${a.version.label}`).join(', ') || '-'}`,
    `  verifications: ${counts(model.verificationCounts)}; latest ${latest(model.latestVerification)}`,
    `  versions (${versions.totalCount}):`,
    ...versions.nodes.map((v: any) => `    ${v.id}  ${v.label.padEnd(12)} ${v.status}`),
  ];
  out(lines.join('\n'), { ok: true, model: { ...model, versions: versions.nodes, versionCount: versions.totalCount } });
  return 0;
}

export async function versionsList(args: string[], flags: Flags, out: Out): Promise<number> {
  const modelId = argument(args, 0, 'fragmark versions list <modelId> [--first N]');
  const model = await fetchOne(flags, 'model', modelId, `versions(first: ${firstFlag(flags)}) { totalCount edges { node { ${VERSION_FIELDS} } } }`, 'model');
  const { totalCount, nodes } = pageOf(model.versions);
  const rows = nodes.map((v: any) => `${v.id}  ${v.label.padEnd(12)} ${v.status.padEnd(15)} ${v.format.padEnd(8)} ${latest(v.latestVerification)}`.trimEnd());
  out(rowsText(rows, totalCount, 'No versions.'), { ok: true, totalCount, versions: nodes });
  return 0;
}

export async function versionsShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark versions show <modelVersionId>');
  const v = await fetchOne(flags, 'modelVersion', id, VERSION_FIELDS, 'model version');
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
