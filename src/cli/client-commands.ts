/**
 * Client commands of `fragmark`: they talk to a running server, never to the database.
 *
 *   fragmark models push <modelId> <file|dir> --version <label> [--input-range MIN,MAX] [--input-encoding FLOAT32|UINT8]
 *       (prints the new version's id on stdout)
 *   fragmark watermark <modelVersionId> [--triggers N] [--method M] [--profile P] [--allow-weak] [--wait]
 *   fragmark jobs [--status S]
 *   fragmark jobs cancel <jobId>
 *   fragmark verify <modelVersionId> [--artifact <dir> | --endpoint-id <id> | --endpoint <url> --protocol P] [--wait]
 *   fragmark endpoints enroll <modelVersionId> [--endpoint-id <id> | --endpoint <url> --protocol P] [--input-format UINT8] [--rounds N] [--wait]
 * (endpoints register|list: endpoint-commands.ts)
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiClient, CliError, clientOptions, describeUserErrors } from './api-client.ts';

export type Flags = Map<string, string | true>;
export type Out = (human: string, data: object) => void;

export const flag = (flags: Flags, name: string): string | undefined => (typeof flags.get(name) === 'string' ? (flags.get(name) as string) : undefined);

/**
 * What to upload for a model on disk: one model file (.onnx, .keras, .h5) as it is, or a TF.js
 * folder's model.json plus the shards its weightsManifest names. The server detects the format.
 */
export async function readModelUpload(modelPath: string): Promise<Map<string, Uint8Array>> {
  let isFile: boolean;
  try {
    isFile = (await stat(modelPath)).isFile();
  } catch {
    throw new CliError(`${modelPath} does not exist: pass a model file (.onnx, .keras, .h5) or the folder of a TF.js model.`, 2);
  }
  if (isFile) return new Map([[path.basename(modelPath), new Uint8Array(await readFile(modelPath))]]);
  return readModelFolder(modelPath);
}

/** model.json plus the shards its weightsManifest names. */
async function readModelFolder(dir: string): Promise<Map<string, Uint8Array>> {
  let manifestText: string;
  try {
    manifestText = await readFile(path.join(dir, 'model.json'), 'utf8');
  } catch {
    throw new CliError(`${dir} has no model.json: pass a model file (.onnx, .keras, .h5) or the folder of a TF.js model (model.json and its weight files).`, 2);
  }
  const files = new Map<string, Uint8Array>([['model.json', new TextEncoder().encode(manifestText)]]);
  let manifest: { weightsManifest?: Array<{ paths?: string[] }> };
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    throw new CliError(`${dir}/model.json is not valid JSON.`, 2);
  }
  for (const group of manifest.weightsManifest ?? []) {
    for (const shard of group.paths ?? []) {
      try {
        files.set(shard, new Uint8Array(await readFile(path.join(dir, shard))));
      } catch {
        throw new CliError(`${dir} lacks ${shard}, which model.json lists.`, 2);
      }
    }
  }
  return files;
}

export async function modelsPush(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const [modelId, dir] = args;
  const label = flag(flags, 'version');
  if (!modelId || !dir || !label) throw new CliError(`usage: fragmark models push <modelId> <file|dir> --version <label> ${DOMAIN_USAGE}`, 2);
  const inputDomain = inputDomainFlags(flags);
  const client = new ApiClient(clientOptions(flags));
  const files = await readModelUpload(dir);
  const modelVersion = await versionToUpload(client, modelId, label, inputDomain);
  const uploaded = await client.uploadArtifact(modelVersion.uploadPath, files);
  const version = uploaded.modelVersion;
  const domain = inputDomain ?? { min: 0, max: 1, encoding: 'FLOAT32' };
  out(
    `Pushed version ${label} (${version.id}): ${version.format}, ${version.artifactBytes} bytes, input ${JSON.stringify(version.inputShape)} ${version.inputLayout} in [${domain.min}, ${domain.max}] ${domain.encoding ?? 'FLOAT32'}, ${version.numClasses} classes, weights digest ${version.weightsDigest}.`,
    { ok: true, modelVersion: version },
  );
  // The new version's id on stdout, for scripts: VERSION_ID=$(fragmark models push ...).
  if (!json) process.stdout.write(`${version.id}\n`);
  return 0;
}

const DOMAIN_USAGE = '[--input-range MIN,MAX] [--input-encoding FLOAT32|UINT8]';

/**
 * A new version with this label, or the one a failed push left awaiting its upload (an upload the
 * server refused stores nothing, so pushing again with the same label resumes it).
 */
async function versionToUpload(
  client: ApiClient,
  modelId: string,
  label: string,
  inputDomain: { min: number; max: number; encoding?: string } | undefined,
): Promise<{ id: string; uploadPath: string }> {
  const created = (
    await client.graphql(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { code message } } }`,
      { input: { modelId, label, ...(inputDomain ? { inputDomain } : {}) } },
    )
  ).createModelVersion;
  if (created.userErrors.length === 0) return created.modelVersion;
  if (created.userErrors[0].code !== 'VERSION_LABEL_TAKEN') throw new CliError(describeUserErrors(created.userErrors));
  let after: string | null = null;
  for (;;) {
    const { model }: { model: any } = await client.graphql(
      `query($id: ID!, $after: String) { model(id: $id) { versions(first: 100, after: $after) { edges { node { id label status uploadPath inputDomain { min max encoding } } } pageInfo { hasNextPage endCursor } } } }`,
      { id: modelId, after },
    );
    const found = model?.versions.edges.map((e: any) => e.node).find((v: any) => v.label === label);
    if (found) {
      if (found.status !== 'AWAITING_UPLOAD') throw new CliError(`Version ${label} already has its artifact (versions are immutable): push under a new --version.`);
      const wanted = { min: inputDomain?.min ?? 0, max: inputDomain?.max ?? 1, encoding: inputDomain?.encoding ?? 'FLOAT32' };
      if (found.inputDomain.min !== wanted.min || found.inputDomain.max !== wanted.max || found.inputDomain.encoding !== wanted.encoding) {
        throw new CliError(`Version ${label} awaits its upload with input domain ${JSON.stringify(found.inputDomain)}, not ${JSON.stringify(wanted)}: push under a new --version.`);
      }
      return found;
    }
    if (!model?.versions.pageInfo.hasNextPage) throw new CliError(describeUserErrors(created.userErrors));
    after = model.versions.pageInfo.endCursor;
  }
}

/** --input-range 0,1 and --input-encoding UINT8; undefined when neither is given (server default [0, 1] FLOAT32). */
function inputDomainFlags(flags: Flags): { min: number; max: number; encoding?: string } | undefined {
  const range = flag(flags, 'input-range');
  const encoding = flag(flags, 'input-encoding')?.toUpperCase();
  if (range === undefined && encoding === undefined) return undefined;
  if (encoding !== undefined && encoding !== 'FLOAT32' && encoding !== 'UINT8') throw new CliError('--input-encoding must be FLOAT32 or UINT8.', 2);
  const parts = (range ?? '0,1').split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) throw new CliError('--input-range must be two numbers, e.g. --input-range 0,1 or --input-range -1,1.', 2);
  return { min: parts[0]!, max: parts[1]!, ...(encoding ? { encoding } : {}) };
}

const JOB_QUERY = `query($id: ID!) { job(id: $id) { id status progress message error attempts watermark { id status commitment strength { level reasons triggers detectionFloor flipFractionUnderNoise } } } }`;

export async function watermark(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const [modelVersionId] = args;
  if (!modelVersionId) throw new CliError('usage: fragmark watermark <modelVersionId> [--triggers N] [--method M] [--profile FP32_EXACT|TF32|FP16|BF16] [--allow-weak] [--wait]', 2);
  const profile = flag(flags, 'profile')?.toUpperCase();
  const triggers = flag(flags, 'triggers');
  if (triggers !== undefined && !/^\d+$/.test(triggers)) throw new CliError('--triggers must be a whole number.', 2);
  const client = new ApiClient(clientOptions(flags));
  const started = await client.mutate(
    'startWatermark',
    `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id status } job { id status } userErrors { code message } } }`,
    {
      input: {
        modelVersionId,
        ...(triggers ? { triggerCount: Number(triggers) } : {}),
        ...(flag(flags, 'method') ? { method: flag(flags, 'method') } : {}),
        ...(profile ? { profile } : {}),
        ...(flags.has('allow-weak') ? { allowWeak: true } : {}),
      },
    },
  );
  if (!flags.has('wait')) {
    out(`Started watermark ${started.watermark.id} (job ${started.job.id}). Follow it with: fragmark watermark … --wait, or query job(id).`, {
      ok: true,
      watermarkId: started.watermark.id,
      jobId: started.job.id,
    });
    return 0;
  }
  const job = await followJob(client, started.job.id, json);
  const ok = job.status === 'SUCCEEDED';
  const strength = job.watermark?.strength ?? null;
  out(
    ok
      ? `Watermark ${job.watermark.id} is READY (commitment ${job.watermark.commitment}).\n${describeStrength(strength)}`
      : `Job ${job.id} ended ${job.status}${job.error ? `: ${job.error}` : ''}.`,
    { ok, jobId: job.id, status: job.status, watermarkId: job.watermark?.id, commitment: job.watermark?.commitment ?? null, strength, error: job.error ?? null },
  );
  return ok ? 0 : 1;
}

/** One line on how far a watermark's verdicts can be trusted; a weak one says why, in capitals. */
function describeStrength(s: { level: string; reasons: string[]; triggers: number; detectionFloor: number; flipFractionUnderNoise: number | null }): string {
  const flips = s.flipFractionUnderNoise === null ? 'not measured' : `${Math.round(s.flipFractionUnderNoise * 100)}% of triggers flipped under the self-check's noise`;
  const figures = `${s.triggers} triggers, ${flips}, TAMPERED from ${s.detectionFloor} mismatched`;
  if (s.level === 'STANDARD') return `Strength: standard (${figures}).`;
  const why = s.reasons.map((r) => (r === 'FEW_TRIGGERS' ? 'fewer than 32 triggers' : r === 'NO_SENSITIVITY' ? 'no trigger flipped under weight noise' : r)).join(', ');
  return `Strength: WEAK (${why}; ${figures}): an INTACT verdict from it is weak evidence, and its tokens say so.`;
}

/** Polls a job to its end, drawing a progress bar on a terminal and plain lines otherwise. */
async function followJob(client: ApiClient, id: string, quiet: boolean): Promise<any> {
  const tty = process.stderr.isTTY && !quiet;
  const started = Date.now();
  let lastLine = '';
  for (;;) {
    const { job } = await client.graphql(JOB_QUERY, { id });
    if (!job) throw new CliError(`Job ${id} disappeared.`);
    const percent = Math.round(job.progress * 100);
    const elapsed = (Date.now() - started) / 1000;
    const eta = job.progress > 0.02 && job.progress < 1 ? ` ETA ${Math.round((elapsed / job.progress) * (1 - job.progress))}s` : '';
    const text = `${job.status.padEnd(9)} ${String(percent).padStart(3)}%  ${job.message ?? ''}${eta}`;
    if (tty) {
      const width = 24;
      const filled = Math.round((percent / 100) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`.padEnd(100).slice(0, 120));
    } else if (!quiet && text !== lastLine) {
      process.stderr.write(text + '\n');
    }
    lastLine = text;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) {
      if (tty) process.stderr.write('\n');
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function jobs(flags: Flags, out: Out): Promise<number> {
  const client = new ApiClient(clientOptions(flags));
  const status = flag(flags, 'status');
  const { jobs } = await client.graphql(
    `query($filter: JobFilter) { jobs(first: 50, filter: $filter) { totalCount edges { node { id kind status progress message attempts createdAt } } } }`,
    { filter: status ? { status: status.toUpperCase() } : null },
  );
  const nodes = jobs.edges.map((e: any) => e.node);
  const lines = nodes.map((j: any) => `${j.id}  ${j.kind.padEnd(9)} ${j.status.padEnd(9)} ${String(Math.round(j.progress * 100)).padStart(3)}%  ${j.createdAt}  ${j.message ?? ''}`);
  out(lines.length ? lines.join('\n') : 'No jobs.', { ok: true, totalCount: jobs.totalCount, jobs: nodes });
  return 0;
}

/** cancelJob: a queued job ends at once; a running one is asked to stop and its worker ends it between two passes. */
export async function jobsCancel(args: string[], flags: Flags, out: Out): Promise<number> {
  const id = args[0];
  if (!id) throw new CliError('usage: fragmark jobs cancel <jobId>', 2);
  const client = new ApiClient(clientOptions(flags));
  const { job } = await client.mutate('cancelJob', `mutation($id: ID!) { cancelJob(input: { id: $id }) { job { id kind status message } userErrors { code message } } }`, { id });
  const human =
    job.status === 'CANCELLED'
      ? `Cancelled job ${job.id} (${job.kind}).`
      : `Asked job ${job.id} (${job.kind}, ${job.status}) to stop: its worker ends it CANCELLED at its next check, within seconds (fragmark jobs shows it).`;
  out(human, { ok: true, job });
  return 0;
}

/** --endpoint URL --protocol kserve-v2|tf-serving [--model-name N] [--input-format FLOAT32|UINT8] as an EndpointInput. */
export function endpointFlags(flags: Flags, url: string): Record<string, string> {
  const protocol = { 'kserve-v2': 'KSERVE_V2', 'tf-serving': 'TF_SERVING_REST' }[flag(flags, 'protocol') ?? ''];
  if (!protocol) throw new CliError('--endpoint needs --protocol kserve-v2 or --protocol tf-serving.', 2);
  const format = flag(flags, 'input-format')?.toUpperCase();
  if (format !== undefined && format !== 'FLOAT32' && format !== 'UINT8') throw new CliError('--input-format must be FLOAT32 or UINT8.', 2);
  return { url, protocol, ...(flag(flags, 'model-name') ? { modelName: flag(flags, 'model-name')! } : {}), ...(format ? { inputFormat: format } : {}) };
}

const ENROLLMENT_QUERY = `query($id: ID!) { endpointEnrollment(id: $id) { id status stableCount unstableCount mismatchedCount observedMargins { min median } errorReason } }`;

/**
 * fragmark endpoints enroll <modelVersionId> [--endpoint <url> --protocol P] [--watermark id] [--rounds N] [--max-unstable-share F] [--wait]
 * Exit 0: ENROLLED (or started, without --wait); 1: refused or failed.
 */
export async function endpointsEnroll(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const [modelVersionId] = args;
  const usage = 'usage: fragmark endpoints enroll <modelVersionId> [--endpoint-id <id> | --endpoint <url> --protocol kserve-v2|tf-serving [--input-format UINT8]] [--watermark <id>] [--rounds N] [--max-unstable-share F] [--wait]';
  if (!modelVersionId) throw new CliError(usage, 2);
  const input: Record<string, unknown> = { modelVersionId };
  const endpointUrl = flag(flags, 'endpoint');
  if (endpointUrl && flag(flags, 'endpoint-id')) throw new CliError('Pass --endpoint-id (a registered endpoint) or --endpoint (an ad-hoc URL), not both.', 2);
  if (endpointUrl) input.endpoint = endpointFlags(flags, endpointUrl);
  if (flag(flags, 'endpoint-id')) input.endpointId = flag(flags, 'endpoint-id');
  if (flag(flags, 'watermark')) input.watermarkId = flag(flags, 'watermark');
  for (const [name, field] of [['rounds', 'rounds'], ['max-unstable-share', 'maxUnstableShare']] as const) {
    const value = flag(flags, name);
    if (value === undefined) continue;
    if (!Number.isFinite(Number(value))) throw new CliError(`--${name} must be a number.`, 2);
    input[field] = Number(value);
  }
  const client = new ApiClient(clientOptions(flags));
  const started = await client.mutate(
    'enrollEndpoint',
    `mutation($input: EnrollEndpointInput!) { enrollEndpoint(input: $input) { enrollment { id } job { id } userErrors { code message } } }`,
    { input },
  );
  if (!flags.has('wait')) {
    out(`Started enrollment ${started.enrollment.id} (job ${started.job.id}).`, { ok: true, enrollmentId: started.enrollment.id, jobId: started.job.id });
    return 0;
  }
  await followJob(client, started.job.id, json);
  const { endpointEnrollment: e } = await client.graphql(ENROLLMENT_QUERY, { id: started.enrollment.id });
  const ok = e.status === 'ENROLLED';
  out(
    ok
      ? `ENROLLED: ${e.stableCount} triggers stable at this endpoint (${e.unstableCount} unstable, ${e.mismatchedCount} always wrong); ENDPOINT verifications of it use those.`
      : `${e.status}: ${e.errorReason}`,
    { ok, ...e },
  );
  return ok ? 0 : 1;
}

const VERIFICATION_QUERY = `query($id: ID!) { verification(id: $id) { id mode verdict triggersQueried triggersMatched accTri errorReason attestation { jti token expiresAt } } }`;

/**
 * fragmark verify <modelVersionId> [--artifact <dir> | --endpoint-id <id> | --endpoint [<url> --protocol kserve-v2|tf-serving]] [--wait]
 * (--endpoint alone: the version's default registered endpoint.)
 * Exit 0: INTACT (or started, without --wait); 3: TAMPERED; 1: ERROR or failure.
 */
export async function verify(args: string[], flags: Flags, out: Out, json: boolean): Promise<number> {
  const [modelVersionId] = args;
  if (!modelVersionId) throw new CliError('usage: fragmark verify <modelVersionId> [--artifact <dir> | --endpoint-id <id> | --endpoint [<url> --protocol kserve-v2|tf-serving]] [--wait]', 2);
  const client = new ApiClient(clientOptions(flags));
  const artifactDir = flag(flags, 'artifact');
  const endpointUrl = flag(flags, 'endpoint');
  const endpointId = flag(flags, 'endpoint-id');
  if ([artifactDir, endpointUrl, endpointId].filter(Boolean).length > 1) throw new CliError('Pass one of --artifact, --endpoint-id or --endpoint.', 2);
  const endpointMode = Boolean(endpointUrl || endpointId) || flags.has('endpoint');
  const input: Record<string, unknown> = { modelVersionId, mode: endpointMode ? 'ENDPOINT' : 'ARTIFACT' };
  if (endpointUrl) input.endpoint = endpointFlags(flags, endpointUrl);
  if (endpointId) input.endpointId = endpointId;
  if (artifactDir) {
    const uploaded = await client.uploadArtifact('/v1/verification-artifacts', await readModelUpload(artifactDir));
    input.candidateArtifactId = uploaded.candidateArtifact.id;
  }
  for (const name of ['audience', 'nonce']) if (flag(flags, name)) input[name] = flag(flags, name);
  const started = await client.mutate(
    'verifyModel',
    `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`,
    { input },
  );
  if (!flags.has('wait')) {
    out(`Started verification ${started.verification.id} (job ${started.job.id}).`, { ok: true, verificationId: started.verification.id, jobId: started.job.id });
    return 0;
  }
  await followJob(client, started.job.id, json);
  const { verification } = await client.graphql(VERIFICATION_QUERY, { id: started.verification.id });
  const line =
    verification.verdict === 'ERROR'
      ? `ERROR: ${verification.errorReason}`
      : `${verification.verdict}: ${verification.triggersMatched}/${verification.triggersQueried} triggers matched (AccTri ${verification.accTri}). Attestation ${verification.attestation?.jti}:\n${verification.attestation?.token}`;
  out(line, { ok: verification.verdict === 'INTACT', ...verification });
  return verification.verdict === 'INTACT' ? 0 : verification.verdict === 'TAMPERED' ? 3 : 1;
}
