/**
 * The product demo: start a throw-away platform (embedded PostgreSQL and a worker process),
 * create a tenant through the GraphQL API, register and upload the reference classifier,
 * watermark it, verify the original and a fine-tuned copy as artifacts, serve both behind local
 * inference endpoints (KServe v2 and TF Serving REST) and verify them there, run a challenge
 * round, check every attestation with `fragmark verify-token`, export each verdict's evidence
 * bundle (token, in-toto statement in its DSSE envelope, key set, revocation status) next to the
 * report, print a summary table and write a report (HTML with charts) that links each verdict to
 * its evidence. Everything it started is stopped and removed at the end.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  classifierFromModel,
  fineTune,
  gaussianNoise,
  initBackend,
  loadClassifierFromFiles,
  loadMnist,
  predictLabels,
  saveModelToFiles,
  type Classifier,
} from '../engine/index.ts';
import { buildTinyClassifier } from '../engine/model/tiny.ts';
import { loadEngineOptions } from '../config/config.ts';
import { ApiClient } from '../cli/api-client.ts';
import { exportEvidence } from '../cli/evidence-commands.ts';
import { startInferenceServer, type RunningInferenceServer } from '../endpoints/test-inference-server.ts';
import { renderReport, type DemoRow } from './report.ts';
import { layersModelOf } from '../engine/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/fragmark.js');

export interface DemoOptions {
  tiny: boolean;
  outDir: string;
  url?: string | undefined;
  key?: string | undefined;
}

/** Where the demo's inference endpoints listen (startInferenceServer). */
const LOOPBACK = '127.0.0.1/32';

const say = (line: string) => process.stdout.write(line + '\n');

export async function runDemo(options: DemoOptions): Promise<boolean> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    say(`Fragmark demo (${options.tiny ? 'tiny model, reduced settings' : 'reference MNIST CNN'})`);
    const { url, adminKey } = options.url ? { url: options.url, adminKey: options.key ?? '' } : await startThrowAwayPlatform(cleanups);
    if (!adminKey) throw new Error('FRAGMARK_URL is set but FRAGMARK_API_KEY (a PLATFORM_ADMIN key) is not.');
    const platform = new ApiClient({ url, key: adminKey });

    say('\n1. Tenant and keys (GraphQL API)');
    const created = await platform.mutate(
      'createTenant',
      `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id slug } adminKeySecret userErrors { code message } } }`,
      { input: { name: `Demo ${new Date().toISOString().slice(0, 19)}` } },
    );
    const admin = new ApiClient({ url, key: created.adminKeySecret });
    const operatorKey = (
      await admin.mutate('createApiKey', `mutation { createApiKey(input: { name: "demo operator", role: OPERATOR }) { secret userErrors { code message } } }`, {})
    ).secret as string;
    const api = new ApiClient({ url, key: operatorKey });
    say(`   tenant ${created.tenant.slug} (${created.tenant.id}), OPERATOR key created`);

    say('\n2. The classifier');
    await initBackend({ ...loadEngineOptions(), log: () => {} });
    const original = options.tiny ? classifierFromModel(buildTinyClassifier({ inputShape: [8, 8, 1] })) : await loadReference();
    const tampered = await tamperedCopy(original, options.tiny);
    cleanups.push(async () => {
      original.dispose();
      tampered.classifier.dispose();
    });
    say(`   original: input ${JSON.stringify(original.inputShape)}, ${original.numClasses} classes`);
    say(`   tampered copy: ${tampered.how}`);

    say('\n3. Register, upload, watermark');
    const model = (
      await api.mutate('registerModel', `mutation($input: RegisterModelInput!) { registerModel(input: $input) { model { id } userErrors { code message } } }`, {
        input: { name: options.tiny ? 'tiny-demo' : 'mnist-cnn', tags: ['demo'] },
      })
    ).model;
    const version = (
      await api.mutate(
        'createModelVersion',
        `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { code message } } }`,
        { input: { modelId: model.id, label: '1.0.0' } },
      )
    ).modelVersion;
    const uploaded = await api.uploadArtifact(version.uploadPath, await saveModelToFiles(layersModelOf(original)));
    say(`   version 1.0.0 uploaded: weights digest ${uploaded.modelVersion.weightsDigest.slice(0, 16)}…`);
    const started = await api.mutate(
      'startWatermark',
      `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id } job { id } userErrors { code message } } }`,
      // The tiny model's reduced settings make a weak watermark on purpose (allowWeak); the full demo's is standard.
      { input: { modelVersionId: version.id, ...(options.tiny ? { triggerCount: 30, allowWeak: true } : {}) } },
    );
    await followJob(api, started.job.id, 'watermark');
    const watermark = (
      await api.graphql(
        `query($id: ID!) { watermark(id: $id) { status method triggerCount commitment selfCheck { accTri flipFractionUnderNoise } strength { level reasons detectionFloor flipFractionUnderNoise } } }`,
        { id: started.watermark.id },
      )
    ).watermark;
    say(`   watermark ${watermark.status}: ${watermark.triggerCount} triggers (${watermark.method}), commitment ${watermark.commitment.slice(0, 16)}…`);
    const flips = `${Math.round((watermark.strength.flipFractionUnderNoise ?? 0) * 100)}% flipped under the self-check's weight noise`;
    say(
      watermark.strength.level === 'WEAK'
        ? `   strength: WEAK (${watermark.strength.reasons.join(', ')}; ${flips}), accepted with allowWeak for the reduced demo: every token says "weak"`
        : `   strength: standard (${flips}; TAMPERED from ${watermark.strength.detectionFloor} mismatched)`,
    );

    const rows: DemoRow[] = [];
    const verify = async (label: string, input: Record<string, unknown>) => {
      const v = await api.mutate(
        'verifyModel',
        `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`,
        { input: { modelVersionId: version.id, audience: 'demo-auditor', ...input } },
      );
      await followJob(api, v.job.id, label);
      const result = (await api.graphql(RESULT, { id: v.verification.id })).verification;
      rows.push(toRow(label, result));
    };

    say('\n4. Verify as artifacts');
    await verify('original (artifact)', { mode: 'ARTIFACT' });
    const candidate = await api.uploadArtifact('/v1/verification-artifacts', await saveModelToFiles(layersModelOf(tampered.classifier)));
    await verify('tampered copy (artifact)', { mode: 'ARTIFACT', candidateArtifactId: candidate.candidateArtifact.id });

    say('\n5. Verify behind inference endpoints');
    const servers: RunningInferenceServer[] = [
      await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'digits', classifier: original }),
      await startInferenceServer({ protocol: 'TF_SERVING_REST', modelName: 'digits', classifier: tampered.classifier }),
    ];
    cleanups.push(() => Promise.all(servers.map((s) => s.close())));
    // The tenant admin registers both deployments (audited); the tokens then name them as registered.
    const register = async (name: string, endpoint: Record<string, string>) =>
      (
        await admin.mutate(
          'registerEndpoint',
          `mutation($input: RegisterEndpointInput!) { registerEndpoint(input: $input) { endpoint { id } userErrors { code message } } }`,
          { input: { modelVersionId: version.id, name, endpoint } },
        )
      ).endpoint.id as string;
    const kserveId = await register('kserve', { url: servers[0]!.url, protocol: 'KSERVE_V2', modelName: 'digits' });
    const tfServingId = await register('tf-serving', { url: servers[1]!.url, protocol: 'TF_SERVING_REST', modelName: 'digits' });
    say('   both deployments registered by the tenant admin');
    await verify('original (KServe v2 endpoint)', { mode: 'ENDPOINT', endpointId: kserveId });
    await verify('tampered (TF Serving endpoint)', { mode: 'ENDPOINT', endpointId: tfServingId });

    say('\n6. Challenge round (the operator labels a random subset)');
    const challenge = await api.mutate(
      'createChallenge',
      `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { challenge { id size } triggers { shape data } userErrors { code message } } }`,
      { input: { watermarkId: started.watermark.id, size: 10, audience: 'demo-auditor' } },
    );
    const bytes = Buffer.from(challenge.triggers.data, 'base64');
    const x = tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), challenge.triggers.shape);
    const labels = Array.from(predictLabels(original, x));
    x.dispose();
    const answered = await api.mutate(
      'answerChallenge',
      `mutation($input: AnswerChallengeInput!) { answerChallenge(input: $input) { verification { id } userErrors { code message } } }`,
      { input: { challengeId: challenge.challenge.id, labels } },
    );
    rows.push(toRow('operator answers (challenge)', (await api.graphql(RESULT, { id: answered.verification.id })).verification));

    say('\n7. Every token checked with `fragmark verify-token` (signature against the published keys, claims, revocation)');
    for (const row of rows) {
      const check = await run([BIN, 'verify-token', row.token!, '--issuer', url, '--audience', 'demo-auditor', '--json']);
      row.tokenValid = check.code === 0;
      say(`   ${row.jti}: ${row.tokenValid ? 'valid signature, claims as recorded, not revoked' : `REFUSED (${check.stdout.trim()})`}`);
    }

    say('\n8. Evidence for every verdict (token, in-toto statement in a DSSE envelope, key set, revocation status), checked offline');
    await mkdir(path.join(options.outDir, 'evidence'), { recursive: true });
    for (const [i, row] of rows.entries()) {
      if (!row.token) continue;
      const { bundle, checked } = await exportEvidence(api, row.verificationId);
      row.evidence = `evidence/${i + 1}-${row.label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.json`;
      await writeFile(path.join(options.outDir, row.evidence), JSON.stringify(bundle, null, 2) + '\n');
      row.evidenceValid = !checked.revocation.revoked;
      say(`   ${row.evidence}: statement and token agree, signed by key ${checked.keyId.slice(0, 12)}…`);
    }
    say(`   Check one anywhere: npx fragmark evidence verify ${path.join(options.outDir, rows[0]?.evidence ?? 'evidence/…')} --issuer ${url} --audience demo-auditor`);

    say('\nSummary');
    say(table(rows));
    const reportPath = path.join(options.outDir, 'index.html');
    await writeFile(reportPath, renderReport(rows, { model: options.tiny ? 'tiny-demo' : 'mnist-cnn', watermark }));
    say(`\nReport: ${reportPath}`);
    const expected = rows.every((r) => r.verdict === (r.label.startsWith('tampered') ? 'TAMPERED' : 'INTACT') && r.tokenValid && r.evidenceValid);
    say(
      expected
        ? 'Every verdict as expected: originals INTACT, tampered copies TAMPERED, every token valid, every verdict with its evidence.'
        : 'Some verdicts were not as expected: see above.',
    );
    return expected;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

const RESULT = `query($id: ID!) { verification(id: $id) { id mode verdict triggersQueried triggersMatched accTri errorReason createdAt attestation { jti token } } }`;

function toRow(label: string, v: any): DemoRow {
  say(`   ${label}: ${v.verdict}${v.verdict === 'ERROR' ? ` (${v.errorReason})` : ` — ${v.triggersMatched}/${v.triggersQueried} triggers kept their label`}`);
  return {
    label,
    verificationId: v.id,
    mode: v.mode,
    verdict: v.verdict,
    accTri: v.accTri,
    jti: v.attestation?.jti ?? null,
    token: v.attestation?.token ?? null,
    at: v.createdAt,
    tokenValid: false,
    evidence: null,
    evidenceValid: false,
  };
}

function table(rows: DemoRow[]): string {
  const head = ['check', 'mode', 'verdict', 'AccTri', 'token id', 'evidence', 'token'];
  const body = rows.map((r) => [r.label, r.mode, r.verdict, r.accTri === null ? '-' : r.accTri.toFixed(3), r.jti ?? '-', r.evidence ?? '-', r.tokenValid ? 'valid' : 'INVALID']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function followJob(api: ApiClient, id: string, label: string): Promise<void> {
  let last = '';
  for (;;) {
    const { job } = await api.graphql(`query($id: ID!) { job(id: $id) { status progress message error } }`, { id });
    const line = `   [${label}] ${job.status} ${Math.round(job.progress * 100)}% ${job.message ?? ''}`;
    if (line !== last) say(line);
    last = line;
    if (job.status === 'SUCCEEDED') return;
    if (job.status === 'FAILED' || job.status === 'CANCELLED') {
      if (label === 'watermark') throw new Error(`watermark job ${job.status}: ${job.error}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function loadReference(): Promise<Classifier> {
  const dir = path.join(ROOT, 'fixtures/mnist-cnn');
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(path.join(dir, name))));
  return loadClassifierFromFiles(files);
}

/** The attack: fine-tuning on clean MNIST data (SGD lr 1e-3); weight noise for the tiny model. */
async function tamperedCopy(original: Classifier, tiny: boolean): Promise<{ classifier: Classifier; how: string }> {
  if (tiny) {
    const noisy = await gaussianNoise(layersModelOf(original), { std: 0.05, seed: 'demo' });
    return { classifier: classifierFromModel(noisy), how: 'Gaussian weight noise, std 0.05' };
  }
  const data = loadMnist('train', 2560);
  try {
    const steps = 10;
    const result = await fineTune(layersModelOf(original), { data, steps, seed: 'demo' });
    return { classifier: classifierFromModel(result.model), how: `fine-tuned ${steps} SGD steps (lr 1e-3, momentum 0.9, batch 256) on clean MNIST` };
  } finally {
    data.xs.dispose();
    data.ys.dispose();
  }
}

/** A platform of our own: embedded PostgreSQL in a temporary folder, free ports, one worker process. */
async function startThrowAwayPlatform(cleanups: Array<() => Promise<unknown>>): Promise<{ url: string; adminKey: string }> {
  const { findFreePort } = await import('../common/ports.ts');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fragmark-demo-'));
  await chmod(dataDir, 0o711);
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await findFreePort();
  // The worker process started by the platform reads the same settings from its environment.
  Object.assign(process.env, {
    FRAGMARK_DATA_DIR: dataDir,
    FRAGMARK_PORT: String(port),
    FRAGMARK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    FRAGMARK_EMBEDDED_PG_PORT: String(await findFreePort()),
    FRAGMARK_WORKERS: '1',
    FRAGMARK_LOG_LEVEL: process.env.FRAGMARK_LOG_LEVEL ?? 'warn',
    // The demo's inference endpoints listen on 127.0.0.1, which the egress policy refuses unless allowed.
    FRAGMARK_EGRESS_ALLOW: [process.env.FRAGMARK_EGRESS_ALLOW, LOOPBACK].filter(Boolean).join(','),
  });
  delete process.env.DATABASE_URL;
  const { loadConfig } = await import('../config/config.ts');
  const { createLogger } = await import('../logging/logger.ts');
  const { startApiProcess } = await import('../api/api-process.ts');
  const config = loadConfig();
  const running = await startApiProcess(config, createLogger(config.logLevel, { service: 'fragmark-demo' }, (l) => process.stderr.write(l + '\n')));
  cleanups.push(() => running.stop());
  say(`   platform started at ${running.url} (throw-away embedded PostgreSQL, one worker process)`);
  return { url: running.url, adminKey: running.initialAdminKey!.secret };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}
