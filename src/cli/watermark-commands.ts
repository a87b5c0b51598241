/**
 * Watermarks from the command line (any tenant key):
 *
 *   fragmark watermarks list <modelVersionId> [--first N]
 *   fragmark watermarks show <watermarkId>
 *
 * Never trigger data: the API has none to give (the trigger set stays sealed in the vault).
 * (Starting one: `fragmark watermark`, client-commands.ts.)
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import type { Flags, Out } from './client-commands.ts';
import { argument, firstFlag, nodesOf, rowsText } from './listing.ts';

const WATERMARK_FIELDS = `id status scheme method triggerCount profile allowWeak commitment backend createdAt readyAt
  inputDomain { min max encoding } policy { kind maxMismatchFraction }
  strength { level reasons triggers flipFractionUnderNoise detectionFloor }
  modelVersion { id label model { id name } } job { id status error }`;

export async function watermarksList(args: string[], flags: Flags, out: Out): Promise<number> {
  const versionId = argument(args, 0, 'fragmark watermarks list <modelVersionId> [--first N]');
  const client = new ApiClient(clientOptions(flags));
  const { modelVersion } = await client.graphql(
    `query($id: ID!, $first: Int) { modelVersion(id: $id) { watermarks(first: $first) { totalCount edges { node { ${WATERMARK_FIELDS} } } } } }`,
    { id: versionId, first: firstFlag(flags) },
  );
  if (!modelVersion) throw new CliError(`No model version ${versionId} in your tenant.`);
  const nodes = nodesOf(modelVersion.watermarks);
  const rows = nodes.map((w: any) => `${w.id}  ${w.status.padEnd(10)} ${w.method.padEnd(9)} ${String(w.triggerCount).padStart(4)} triggers  ${w.profile.padEnd(10)} ${w.strength.level.toLowerCase().padEnd(8)} ${w.createdAt}`);
  out(rowsText(rows, modelVersion.watermarks.totalCount, 'No watermarks.'), { ok: true, totalCount: modelVersion.watermarks.totalCount, watermarks: nodes });
  return 0;
}

export async function watermarksShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark watermarks show <watermarkId>');
  const client = new ApiClient(clientOptions(flags));
  const { watermark: w } = await client.graphql(`query($id: ID!) { watermark(id: $id) { ${WATERMARK_FIELDS} } }`, { id });
  if (!w) throw new CliError(`No watermark ${id} in your tenant.`);
  const s = w.strength;
  const lines = [
    `Watermark ${w.id} of ${w.modelVersion.model.name} ${w.modelVersion.label}: ${w.status}${w.job.error ? ` (${w.job.error})` : ''}`,
    `  ${w.scheme} ${w.method}, ${w.triggerCount} triggers, profile ${w.profile}, input [${w.inputDomain.min}, ${w.inputDomain.max}] ${w.inputDomain.encoding}`,
    `  strength ${s.level.toLowerCase()}${s.reasons.length ? ` (${s.reasons.join(', ')})` : ''}; TAMPERED from ${s.detectionFloor} mismatched; policy ${w.policy.kind}${w.policy.maxMismatchFraction !== null ? ` (${w.policy.maxMismatchFraction})` : ''}`,
    `  commitment ${w.commitment ?? '-'}; created ${w.createdAt}${w.readyAt ? `, ready ${w.readyAt}` : ''}; job ${w.job.id}`,
  ];
  out(lines.join('\n'), { ok: true, watermark: w });
  return 0;
}
