/**
 * Verifications from the command line (any tenant key):
 *
 *   fragmark verifications list [--model <modelId>] [--version <modelVersionId>] [--verdict V] [--mode M] [--since 7d] [--first N]
 *   fragmark verifications show <verificationId>
 *
 * (Starting one: `fragmark verify`; its signed evidence: `fragmark evidence show|export`.)
 */
import { CliError } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';
import { argument, fetchOne, fetchPage, rowsText } from './command-helpers.ts';
import { parseDuration } from './monitoring-commands.ts';

const LIST_FIELDS = 'id mode verdict triggersQueried triggersMatched accTri errorReason createdAt completedAt modelVersion { id label model { id name } } endpoint { id name url } attestation { jti }';
const SHOW_FIELDS = `id mode verdict triggersQueried triggersMatched triggersExcluded accTri errorReason createdAt completedAt
  policy { kind maxMismatchFraction } checkedWeightsDigest checkedArtifactDigest weightsMatchRegistered tlsCertificateSha256
  modelVersion { id label model { id name } } watermark { id profile strength { level } } endpoint { id name url protocol registered }
  monitor { id } job { id status } attestation { jti token issuedAt expiresAt revoked }`;
const VERDICTS = ['PENDING', 'INTACT', 'TAMPERED', 'ERROR'];
const MODES = ['ARTIFACT', 'ENDPOINT', 'CHALLENGE'];

export async function verificationsList(flags: Flags, out: Out): Promise<number> {
  const verdict = flag(flags, 'verdict')?.toUpperCase();
  const mode = flag(flags, 'mode')?.toUpperCase();
  if (verdict !== undefined && !VERDICTS.includes(verdict)) throw new CliError(`--verdict must be one of ${VERDICTS.join(', ')}.`, 2);
  if (mode !== undefined && !MODES.includes(mode)) throw new CliError(`--mode must be one of ${MODES.join(', ')}.`, 2);
  const since = flag(flags, 'since');
  const filter = {
    ...(flag(flags, 'model') ? { modelId: flag(flags, 'model') } : {}),
    ...(flag(flags, 'version') ? { modelVersionId: flag(flags, 'version') } : {}),
    ...(verdict ? { verdict } : {}),
    ...(mode ? { mode } : {}),
    ...(since ? { since: new Date(Date.now() - parseDuration(since, 'since') * 1000).toISOString() } : {}),
  };
  const { totalCount, nodes } = await fetchPage(flags, 'verifications', 'VerificationFilter', filter, LIST_FIELDS);
  const rows = nodes.map(
    (v: any) =>
      `${v.id}  ${v.createdAt}  ${v.verdict.padEnd(8)} ${score(v).padEnd(8)} ${v.mode.padEnd(9)} ${v.modelVersion.model.name} ${v.modelVersion.label}${v.endpoint ? ` at ${v.endpoint.name ?? v.endpoint.url}` : ''}`,
  );
  out(rowsText(rows, totalCount, 'No verifications.'), { ok: true, totalCount, verifications: nodes });
  return 0;
}

export async function verificationsShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = argument(args, 0, 'fragmark verifications show <verificationId>');
  const v = await fetchOne(flags, 'verification', id, SHOW_FIELDS, 'verification');
  const a = v.attestation;
  const lines = [
    `Verification ${v.id}: ${v.verdict}${v.errorReason ? ` (${v.errorReason})` : ''}, ${v.mode} of ${v.modelVersion.model.name} ${v.modelVersion.label}`,
    `  ${score(v)} triggers matched${v.triggersExcluded ? ` (${v.triggersExcluded} excluded by enrollment)` : ''}, AccTri ${v.accTri ?? '-'}, policy ${v.policy.kind}; watermark ${v.watermark.id} (${v.watermark.strength.level.toLowerCase()})`,
    ...(v.endpoint ? [`  endpoint ${v.endpoint.name ?? '(ad hoc)'} ${v.endpoint.url} ${v.endpoint.protocol}${v.endpoint.registered ? '' : ', not registered'}`] : []),
    ...(v.checkedWeightsDigest ? [`  checked weights digest ${v.checkedWeightsDigest}${v.weightsMatchRegistered ? ' (the registered one)' : ' (NOT the registered one)'}`] : []),
    `  created ${v.createdAt}${v.completedAt ? `, completed ${v.completedAt}` : ''}`,
    a ? `  attestation ${a.jti}, expires ${a.expiresAt}${a.revoked ? ', REVOKED' : ''} (token: --json; evidence: fragmark evidence export ${v.id} --out <file>)` : '  no attestation',
  ];
  out(lines.join('\n'), { ok: true, verification: v });
  return 0;
}

function score(v: { triggersMatched: number | null; triggersQueried: number | null }): string {
  return v.triggersQueried === null ? '-' : `${v.triggersMatched}/${v.triggersQueried}`;
}
