/**
 * Watermarks from the command line (any tenant key):
 *
 *   fragmark watermarks list <modelVersionId> [--first N]
 *   fragmark watermarks show <watermarkId>
 *
 * Never trigger data: the API has none to give (the trigger set stays sealed in the vault).
 * (Starting one: `fragmark watermark`, client-commands.ts.)
 */
import type { Flags, Out } from './client-commands.ts';
import { argument, fetchOne, firstFlag, pageOf, rowsText } from './command-helpers.ts';

const WATERMARK_FIELDS = `id status scheme method triggerCount profile allowWeak commitment backend createdAt readyAt
  inputDomain { min max encoding } policy { kind maxMismatchFraction }
  strength { level reasons triggers flipFractionUnderNoise detectionFloor }
  modelVersion { id label model { id name } } job { id status error }`;

export async function watermarksList(args: string[], flags: Flags, out: Out): Promise<number> {
  const versionId = argument(args, 0, 'fragmark watermarks list <modelVersionId> [--first N]');
  const version = await fetchOne(flags, 'modelVersion', versionId, `watermarks(first: ${firstFlag(flags)}) { totalCount edges { node { ${WATERMARK_FIELDS} } } }`, 'model version');
  const { totalCount, nodes } = pageOf(version.watermarks);
  const rows = nodes.map((w: any) => `${w.id}  ${w.status.padEnd(10)} ${w.method.padEnd(9)} ${String(w.triggerCount).padStart(4)} triggers  ${w.profile.padEnd(10)} ${w.strength.level.toLowerCase().padEnd(8)} ${w.createdAt}`);
  out(rowsText(rows, totalCount, 'No watermarks.'), { ok: true, totalCount, watermarks: nodes });
  return 0;
}

export async function watermarksShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark watermarks show <watermarkId>');
  const w = await fetchOne(flags, 'watermark', id, WATERMARK_FIELDS, 'watermark');
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
