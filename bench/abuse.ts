/**
 * Security issue #16, replayed: every attack of the issue against running servers with production
 * defaults, and per category how many attempts were made and how many got through (target: 0).
 *
 * What runs: a throw-away embedded PostgreSQL, two `fragmark serve` processes on it (separate
 * processes, so their RSS and event loops are measured from outside) and one `fragmark worker`:
 *
 * - `prod`: production defaults (FRAGMARK_ENV=production, no egress allow-list, 1 GiB quota,
 *   pool of 10, 10 failed authentications per minute).
 * - `lab`: the same but FRAGMARK_EGRESS_ALLOW=127.0.0.1/32 (the local inference servers the
 *   fairness and leak checks need) and a storage quota of 2.5 tiny models (the quota check).
 * - the worker: production defaults (I/O concurrency 8, per-tenant concurrency 2), with the same
 *   allow-list, FRAGMARK_WASM_THREADS=1.
 *
 * Categories (issue 16):
 *   1 query-freeze    doubling fragments and documents past the token cap, without a key: each
 *                     must be a 4xx within 1 s, and /healthz must answer within 1 s meanwhile.
 *   2 upload-memory   Dense(16000) on a 16000-wide input (and Dense(8000)), one-weight manifest:
 *                     4xx, and the API's VmRSS less than 200 MB over its baseline after each.
 *   3 ssrf            loopback / link-local / private endpoint URLs in every spelling, model names
 *                     leaving their segment, credentials in query strings: user errors; endpoint
 *                     error bodies: never in errorReason / Job.error / Job.message.
 *   4 tenant-deletion verifications queued, then deleteTenant: no attestation signed afterwards,
 *                     every earlier attestation reported revoked, nothing unsealed afterwards.
 *   5 fairness        tenant A floods a slow endpoint; tenant B's ARTIFACT verification must not
 *                     wait more than 5 s in the queue.
 *   6 storage         model.json over its cap (413), uploads past the tenant quota (413), with
 *                     nothing stored, staged or recorded; two concurrent uploads that only fit alone.
 *   7 pool            40 parallel createChallenge: no "Internal server error" (SERVICE_UNAVAILABLE
 *                     with Retry-After is fine and counted separately).
 *   8 lesser          NUL characters, surrogates, year 0000, non-UUID ids (BAD_USER_INPUT, never
 *                     internal); an attestation with its last character altered (invalid); 30
 *                     failed authentications from one address (429 + Retry-After); NaN, infinite
 *                     and 300,000,000-class models (refused).
 *
 * Prints `category  attempts N  failures M` per category; exits 1 if any failure.
 *
 *   npx tsx bench/abuse.ts [--only 1,3,8] [--prod-env K=V ...] [--worker-env K=V ...]
 *
 * --only runs some categories (the fixtures are made anyway); --prod-env and --worker-env override
 * a setting of the production-default API or of the worker, to check that the replay notices a
 * weakened server (a negative control: expect failures).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { createDatabaseClient, type Database } from '../src/db/client.ts';
import { findFreePort } from '../src/common/ports.ts';
import { classifierFromModel, initBackend, saveModelToFiles } from '../src/engine/index.ts';
import { buildTinyClassifier } from '../src/engine/model/tiny.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { startInferenceServer, type RunningInferenceServer } from '../src/endpoints/test-inference-server.ts';
import { fetchJwks, jwksUrlForIssuer, verifyAttestation } from '../src/attestations/crypto/attestation-token.ts';
import { AttestationError } from '../src/attestations/crypto/attestation.errors.ts';
import { listFiles } from '../test/support/files.ts';
import { denseOnOneWeight, layersModelJson } from '../test/support/hostile-models.ts';

const BIN = fileURLToPath(new URL('../bin/fragmark.js', import.meta.url));
const MB = 1024 * 1024;
const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag >= 0 ? new Set(process.argv[onlyFlag + 1]!.split(',').map(Number)) : null;
const wanted = (n: number) => !only || only.has(n);
/** `--prod-env K=V` / `--worker-env K=V` (repeatable): weaken a setting to see the replay catch it. */
const overrides = (flag: string) =>
  Object.fromEntries(process.argv.flatMap((a, i) => (a === flag && process.argv[i + 1] ? [process.argv[i + 1]!.split(/=(.*)/s).slice(0, 2)] : [])));
const prodOverrides = overrides('--prod-env');
const workerOverrides = overrides('--worker-env');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Tallies

class Tally {
  attempts = 0;
  failures = 0;
  readonly notes: string[] = [];
  readonly problems: string[] = [];
  constructor(readonly name: string) {}
  /** One attempt; `problem` non-empty means it got through. */
  attempt(problem: string | null | undefined) {
    this.attempts += 1;
    if (problem) {
      this.failures += 1;
      this.problems.push(problem);
    }
  }
  /** A failure found by a check across attempts (rows recorded, a bystander refused). */
  fail(problem: string) {
    this.failures += 1;
    this.problems.push(problem);
  }
  note(line: string) {
    this.notes.push(line);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  ready: Record<string, unknown>;
  output(): string;
  stop(): Promise<void>;
}

async function spawnFragmark(name: string, command: 'serve' | 'worker', env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [BIN, command, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output.slice(-2000)}`)), 120_000);
    const look = () => {
      const line = output.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
  return {
    name,
    child,
    url: String(ready.url ?? ''),
    ready,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Resident memory of a process in MB, from /proc (null where there is no /proc). */
async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
  ms: number;
}

/** One HTTP request through node:http (so that the client address can be chosen). */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string; timeoutMs?: number } = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, timeout: options.timeoutMs ?? 60_000 });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, body, ms: performance.now() - started });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 60_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

function gql(server: Proc, query: string, variables: Record<string, unknown> = {}, key: string | null = null, localAddress?: string): Promise<Reply> {
  return request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
    localAddress,
  });
}

/** gql, throwing unless the operation answered without errors; returns `data`. */
async function must(server: Proc, query: string, variables: Record<string, unknown>, key: string | null): Promise<any> {
  const reply = await gql(server, query, variables, key);
  if (reply.status !== 200 || reply.body?.errors) throw new Error(`${query.slice(0, 60)}: HTTP ${reply.status} ${reply.text.slice(0, 500)}`);
  return reply.body.data;
}

/** PUTs files as multipart/form-data, as the CLI does. */
async function upload(server: Proc, key: string, route: string, files: Map<string, Uint8Array>): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [name, bytes] of files) form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${server.url}${route}`, { method: 'PUT', headers: { authorization: `Bearer ${key}` }, body: form });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

const errorCode = (r: Reply) => r.body?.errors?.[0]?.extensions?.code as string | undefined;
const short = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

// ---------------------------------------------------------------------------------------------
// Payloads

const CANDIDATES = '/v1/verification-artifacts';

function doublingFragments(levels: number, f0: string): string {
  const lines = [`fragment F0 on Query { ${f0} }`];
  for (let i = 1; i <= levels; i++) lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  lines.push(`query { ...F${levels} }`);
  return lines.join('\n');
}

async function tinyFiles(seed: string): Promise<Map<string, Uint8Array>> {
  const model = buildTinyClassifier({ seed });
  const files = await saveModelToFiles(model);
  model.dispose();
  return files;
}

/** What an internal service might answer: it must never be readable through Fragmark. */
const SECRET_BODY = '{"AccessKeyId":"ASIAEXAMPLEKEY","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","Token":"IQoJb3JpZ2luX2Vj"}';
const SECRET_FRAGMENTS = ['ASIAEXAMPLEKEY', 'wJalrXUtnFEMI', 'IQoJb3JpZ2luX2Vj', 'AccessKeyId'];

// ---------------------------------------------------------------------------------------------
// Set-up

const Q = {
  createTenant: `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } adminKeySecret userErrors { code message } } }`,
  createKey: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret userErrors { code message } } }`,
  registerModel: `mutation($n: String!) { registerModel(input: { name: $n }) { model { id } } }`,
  createVersion: `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { code message field } } }`,
  startWatermark: `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { watermark { id } job { id } userErrors { code message } } }`,
  verify: `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message field } } }`,
  enroll: `mutation($input: EnrollEndpointInput!) { enrollEndpoint(input: $input) { enrollment { id } job { id } userErrors { code message field } } }`,
  verification: `query($id: ID!) { verification(id: $id) { verdict errorReason job { status error message } attestation { jti token } } }`,
  status: `query($jti: ID!) { attestationStatus(jti: $jti) { known revoked reason } }`,
  challenge: `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 1 }) { challenge { id } userErrors { code message } } }`,
  cancel: `mutation($id: ID!) { cancelJob(input: { id: $id }) { job { status } userErrors { code } } }`,
};

interface TenantFixture {
  id: string;
  admin: string;
  operator: string;
  viewer: string;
  modelId: string;
  versionId: string;
  watermarkId?: string;
  model?: tf.Sequential;
}

async function makeTenant(server: Proc, platformKey: string, name: string): Promise<TenantFixture> {
  const created = (await must(server, Q.createTenant, { input: { name } }, platformKey)).createTenant;
  const admin = created.adminKeySecret as string;
  const key = async (role: string) => (await must(server, Q.createKey, { input: { name: role, role } }, admin)).createApiKey.secret as string;
  const operator = await key('OPERATOR');
  const viewer = await key('VIEWER');
  const modelId = (await must(server, Q.registerModel, { n: `${name}-model` }, operator)).registerModel.model.id as string;
  return { id: created.tenant.id, admin, operator, viewer, modelId, versionId: '' };
}

/** Registers a tiny model version for `t` (uploaded through `server`); keeps the model when asked. */
async function addVersion(server: Proc, t: TenantFixture, seed: string, keepModel = false): Promise<void> {
  const version = (await must(server, Q.createVersion, { input: { modelId: t.modelId, label: seed } }, t.operator)).createModelVersion.modelVersion;
  const model = buildTinyClassifier({ seed });
  const reply = await upload(server, t.operator, version.uploadPath, await saveModelToFiles(model));
  if (reply.status !== 200) throw new Error(`version upload: ${reply.status} ${short(reply.body)}`);
  if (keepModel) t.model = model;
  else model.dispose();
  t.versionId = version.id;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${short(value)}`);
    await sleep(100);
  }
}

const terminal = (status: string) => !['QUEUED', 'RUNNING'].includes(status);

async function watermark(server: Proc, db: Database, t: TenantFixture, triggerCount: number): Promise<void> {
  const started = (await must(server, Q.startWatermark, { input: { modelVersionId: t.versionId, triggerCount, method: 'CE_ONLY', maxSteps: 50, allowWeak: true } }, t.operator)).startWatermark;
  if (started.userErrors.length) throw new Error(`startWatermark: ${short(started.userErrors)}`);
  const job = await waitFor(() => db.job.findUniqueOrThrow({ where: { id: started.job.id } }), (j) => terminal(j.status), 180_000, 'a watermark');
  if (job.status !== 'SUCCEEDED') throw new Error(`watermark job ${job.status}: ${job.error}`);
  t.watermarkId = started.watermark.id;
}

async function verifyArtifact(server: Proc, db: Database, t: TenantFixture): Promise<{ verdict: string; jobWaitMs: number; totalMs: number; jti?: string; token?: string }> {
  const began = Date.now();
  const v = (await must(server, Q.verify, { input: { modelVersionId: t.versionId, mode: 'ARTIFACT' } }, t.operator)).verifyModel;
  if (v.userErrors.length) throw new Error(`verifyModel: ${short(v.userErrors)}`);
  const job = await waitFor(() => db.job.findUniqueOrThrow({ where: { id: v.job.id } }), (j) => terminal(j.status), 120_000, 'a verification');
  const totalMs = Date.now() - began;
  const seen = (await must(server, Q.verification, { id: v.verification.id }, t.operator)).verification;
  return {
    verdict: seen.verdict,
    jobWaitMs: job.startedAt ? job.startedAt.getTime() - job.createdAt.getTime() : Number.NaN,
    totalMs,
    jti: seen.attestation?.jti,
    token: seen.attestation?.token,
  };
}

// ---------------------------------------------------------------------------------------------
// Categories

/** 1. Unauthenticated documents that used to freeze the event loop, and documents past the caps. */
async function queryFreeze(prod: Proc): Promise<Tally> {
  const tally = new Tally('1 query-freeze');
  const manyFragments = Array.from({ length: 24_000 }, (_, i) => `fragment G${i} on Query { __typename }`).join('\n') + '\nquery { ...G0 }';
  const documents: Array<{ name: string; body: string; expect: number[] }> = [
    { name: 'doubling x22 (__typename)', body: JSON.stringify({ query: doublingFragments(22, '__typename') }), expect: [400] },
    { name: 'doubling x22 (attestationStatus)', body: JSON.stringify({ query: doublingFragments(22, 'attestationStatus(jti: "0") { known }') }), expect: [400] },
    { name: 'doubling x40', body: JSON.stringify({ query: doublingFragments(40, '__typename') }), expect: [400] },
    { name: '6000 tokens', body: JSON.stringify({ query: `query { ${'__typename '.repeat(6000)}}` }), expect: [400] },
    { name: `${Math.round(manyFragments.length / 1024)} KB of fragments`, body: JSON.stringify({ query: manyFragments }), expect: [400] },
    { name: 'body over 1 MiB', body: JSON.stringify({ query: `# ${'x'.repeat(MB + 1024)}\n{ __typename }` }), expect: [413] },
  ];
  const send = (body: string) => request(`${prod.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 60_000 });

  /** Runs `work` while /healthz is asked every 20 ms; returns its result and the slowest health answer. */
  const whileProbing = async <T>(work: () => Promise<T>): Promise<{ result: T; healthMaxMs: number }> => {
    let running = true;
    let healthMaxMs = 0;
    const probe = (async () => {
      while (running) {
        const r = await request(`${prod.url}/healthz`, { timeoutMs: 30_000 }).catch(() => ({ ms: 30_000, status: 0 }) as Reply);
        healthMaxMs = Math.max(healthMaxMs, r.status === 200 ? r.ms : 30_000);
        await sleep(20);
      }
    })();
    const result = await work();
    running = false;
    await probe;
    return { result, healthMaxMs };
  };
  const judge = (doc: { name: string; expect: number[] }, r: Reply, healthMaxMs: number): string | null => {
    const code = errorCode(r) ?? r.body?.error?.code;
    if (!doc.expect.includes(r.status) || r.status < 400 || r.status >= 500) return `${doc.name}: HTTP ${r.status} ${r.text.slice(0, 200)}`;
    if (r.status === 400 && !['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'].includes(code)) return `${doc.name}: 400 with code ${code}`;
    if (r.ms > 1000) return `${doc.name}: answered after ${r.ms.toFixed(0)} ms`;
    if (healthMaxMs > 1000) return `${doc.name}: /healthz took ${healthMaxMs.toFixed(0)} ms meanwhile`;
    return null;
  };

  for (const doc of documents) {
    const answers = new Set<string>();
    let slowest = 0;
    let health = 0;
    for (let i = 0; i < 3; i++) {
      const { result, healthMaxMs } = await whileProbing(() => send(doc.body));
      slowest = Math.max(slowest, result.ms);
      health = Math.max(health, healthMaxMs);
      const ext = result.body?.errors?.[0]?.extensions;
      answers.add(`${result.status} ${ext?.reason ?? ext?.code ?? result.body?.error?.code ?? ''}`.trim());
      tally.attempt(judge(doc, result, healthMaxMs));
    }
    tally.note(`${doc.name} (${Math.round(doc.body.length / 1024)} KB) x3: ${[...answers].join(' / ')}, slowest ${slowest.toFixed(0)} ms, /healthz at most ${health.toFixed(0)} ms`);
  }
  // Ten of the original attack at once.
  const burst = documents[0]!;
  const { result: replies, healthMaxMs } = await whileProbing(() => Promise.all(Array.from({ length: 10 }, () => send(burst.body))));
  for (const r of replies) tally.attempt(judge({ ...burst, name: `${burst.name} (10 at once)` }, r, healthMaxMs));
  const burstSlowest = Math.max(...replies.map((r) => r.ms));
  tally.note(`${burst.name}, 10 at once: ${[...new Set(replies.map((r) => r.status))].join('/')}, slowest ${burstSlowest.toFixed(0)} ms, /healthz at most ${healthMaxMs.toFixed(0)} ms`);
  return tally;
}

/** 2. Model uploads declaring far more weights than they carry. */
async function uploadMemory(prod: Proc, db: Database, t: TenantFixture): Promise<Tally> {
  const tally = new Tally('2 upload-memory');
  const pid = prod.child.pid!;
  // One good upload first: the baseline then includes the validation thread a normal upload starts.
  const good = await upload(prod, t.operator, CANDIDATES, await tinyFiles('memory-baseline'));
  if (good.status !== 201) throw new Error(`baseline upload: ${good.status} ${short(good.body)}`);
  await sleep(2000);
  const baseline = await rssMb(pid);
  const rowsBefore = await db.candidateArtifact.count({ where: { tenantId: t.id } });
  let peak = baseline ?? 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await rssMb(pid)) ?? 0);
      await sleep(50);
    }
  })();
  let last = baseline;
  const began = performance.now();
  for (let i = 0; i < 10; i++) {
    const width = i % 2 === 0 ? 16000 : 8000;
    const reply = await upload(prod, t.operator, CANDIDATES, denseOnOneWeight(width));
    last = await rssMb(pid);
    const growth = baseline === null || last === null ? 0 : last - baseline;
    if (i < 2) tally.note(`Dense(${width}): ${reply.status} ${reply.body?.error?.code}: ${String(reply.body?.error?.message).slice(0, 160)}`);
    tally.attempt(
      reply.status < 400 || reply.status >= 500
        ? `Dense(${width}) upload ${i + 1}: HTTP ${reply.status} ${short(reply.body)}`
        : growth > 200
          ? `API RSS ${growth} MB over its baseline after upload ${i + 1}`
          : null,
    );
  }
  sampling = false;
  await sampler;
  const rowsAfter = await db.candidateArtifact.count({ where: { tenantId: t.id } });
  if (rowsAfter !== rowsBefore) tally.fail(`${rowsAfter - rowsBefore} candidate rows recorded`);
  tally.note(
    baseline === null
      ? 'RSS not measured (no /proc)'
      : `API VmRSS ${baseline} MB -> ${last} MB after 10 uploads (peak sampled ${peak} MB), ${((performance.now() - began) / 1000).toFixed(1)} s`,
  );
  return tally;
}

/** 3. Server-side request forgery through endpoint verification. */
async function ssrf(prod: Proc, lab: Proc, db: Database, pgPort: number, b: TenantFixture, a: TenantFixture): Promise<Tally> {
  const tally = new Tally('3 ssrf');
  const apiPort = new URL(prod.url).port;
  const refused = [
    `http://127.0.0.1:${pgPort}/`,
    `http://127.0.0.1:${apiPort}/`,
    `http://2130706433:${pgPort}/`,
    `http://0x7f.1:${apiPort}/`,
    `http://127.1:${pgPort}/`,
    `http://[::ffff:127.0.0.1]:${pgPort}/`,
    `http://[::1]:${apiPort}/`,
    `http://localhost:${apiPort}/`,
    `http://LOCALHOST:${pgPort}/`,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://2852039166/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://10.0.0.1:8500/',
    'http://192.168.1.1/',
    'http://0/',
  ];
  const jobsBefore = await db.job.count({ where: { tenantId: b.id } });
  for (const url of refused) {
    const endpoint = { url, protocol: 'KSERVE_V2' };
    const answers = [
      ['verifyModel', await gql(prod, Q.verify, { input: { modelVersionId: b.versionId, mode: 'ENDPOINT', endpoint } }, b.operator)],
      ['enrollEndpoint', await gql(prod, Q.enroll, { input: { modelVersionId: b.versionId, endpoint } }, b.operator)],
      ['createModelVersion', await gql(prod, Q.createVersion, { input: { modelId: b.modelId, label: `ssrf-${refused.indexOf(url)}`, endpoint } }, b.operator)],
    ] as const;
    for (const [mutation, reply] of answers) {
      const payload = reply.body?.data && Object.values(reply.body.data)[0] as { userErrors?: Array<{ code: string }> } | undefined;
      const code = payload?.userErrors?.[0]?.code;
      tally.attempt(code === 'ENDPOINT_FORBIDDEN' ? null : `${mutation} ${url}: ${reply.status} ${reply.text.slice(0, 200)}`);
    }
  }
  const queued = (await db.job.count({ where: { tenantId: b.id } })) - jobsBefore;
  if (queued !== 0) tally.fail(`${queued} jobs queued by refused URLs`);
  tally.note(`${refused.length} loopback/link-local/private URLs x 3 mutations on prod: ENDPOINT_FORBIDDEN expected`);

  // An allowed host (lab allows 127.0.0.1/32) that answers secrets, by path.
  const leaky: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const p = req.url ?? '';
      if (p.startsWith('/e404')) res.writeHead(404, { 'content-type': 'application/json' }).end(SECRET_BODY);
      else if (p.startsWith('/e500')) res.writeHead(500, { 'content-type': 'text/plain' }).end(`internal: ${SECRET_BODY}`);
      else if (p.startsWith('/text')) res.writeHead(200, { 'content-type': 'text/plain' }).end(`not json ${SECRET_BODY}`);
      else if (p.startsWith('/shape'))
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ predictions: [SECRET_BODY], outputs: [{ name: 'ASIAEXAMPLEKEY', datatype: 'AccessKeyId', shape: [1], data: ['wJalrXUtnFEMI'] }] }));
      else res.writeHead(404).end(SECRET_BODY);
    });
  });
  await new Promise<void>((r) => leaky.listen(0, '127.0.0.1', () => r()));
  const leakyUrl = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}`;
  try {
    // Path segments and credentials, on the allowed host (so only these are wrong).
    const seen = new Set<string>();
    for (const modelName of ['..', '../../admin', 'a/b', 'a%2Fb', 'a\\b', '.']) {
      const r = await gql(lab, Q.verify, { input: { modelVersionId: a.versionId, mode: 'ENDPOINT', endpoint: { url: leakyUrl, protocol: 'KSERVE_V2', modelName } } }, a.operator);
      const e = r.body?.data?.verifyModel?.userErrors?.[0];
      seen.add(`modelName: ${e?.code} on ${e?.field?.join('.')}`);
      tally.attempt(e?.code === 'INVALID_MODEL_INPUT' ? null : `modelName ${JSON.stringify(modelName)}: ${r.text.slice(0, 200)}`);
    }
    const credentialUrls = ['/?api_key=abc123SECRET', '/?access_token=abc123SECRET', '/?X-Amz-Signature=abc123SECRET', '/?sig=abc123SECRET', '/?token=abc123SECRET'].map((q) => `${leakyUrl}${q}`);
    credentialUrls.push(leakyUrl.replace('http://', 'http://admin:abc123SECRET@'));
    for (const url of credentialUrls) {
      for (const [mutation, query, input] of [
        ['verifyModel', Q.verify, { modelVersionId: a.versionId, mode: 'ENDPOINT', endpoint: { url, protocol: 'KSERVE_V2' } }],
        ['enrollEndpoint', Q.enroll, { modelVersionId: a.versionId, endpoint: { url, protocol: 'KSERVE_V2' } }],
      ] as const) {
        const r = await gql(lab, query, { input }, a.operator);
        const payload = r.body?.data?.[mutation];
        const e = payload?.userErrors?.[0];
        seen.add(`credential in URL: ${e?.code} on ${e?.field?.join('.')}`);
        tally.attempt(
          e?.code !== 'INVALID_MODEL_INPUT' ? `${mutation} ${url}: ${r.text.slice(0, 200)}` : r.text.includes('abc123SECRET') ? `${mutation}: the credential is echoed: ${r.text.slice(0, 200)}` : null,
        );
      }
    }
    for (const line of seen) tally.note(line);

    // Error answers: a worker queries them; a VIEWER must read nothing the endpoint sent.
    const started: Array<{ what: string; id: string; jobId: string }> = [];
    for (const route of ['e404', 'e500', 'text', 'shape']) {
      for (const protocol of ['KSERVE_V2', 'TF_SERVING_REST']) {
        const r = await gql(lab, Q.verify, { input: { modelVersionId: a.versionId, mode: 'ENDPOINT', endpoint: { url: `${leakyUrl}/${route}`, protocol, modelName: 'm' } } }, a.operator);
        const v = r.body?.data?.verifyModel;
        if (!v?.verification) {
          tally.attempt(`could not queue the ${route} ${protocol} verification: ${r.text.slice(0, 200)}`);
          continue;
        }
        started.push({ what: `${route} ${protocol}`, id: v.verification.id, jobId: v.job.id });
      }
    }
    await waitFor(() => db.verification.count({ where: { id: { in: started.map((s) => s.id) }, verdict: 'PENDING' } }), (n) => n === 0, 120_000, 'endpoint verifications against the leaky server');
    for (const s of started) {
      const seen = await gql(lab, `query($v: ID!, $j: ID!) { verification(id: $v) { verdict errorReason job { status error message } } job(id: $j) { error message } }`, { v: s.id, j: s.jobId }, a.viewer);
      const row = JSON.stringify(await db.job.findUniqueOrThrow({ where: { id: s.jobId } }));
      const leaked = SECRET_FRAGMENTS.filter((f) => seen.text.includes(f) || row.includes(f));
      const verdict = seen.body?.data?.verification?.verdict;
      if (s === started[0]) tally.note(`errorReason (${s.what}): ${seen.body?.data?.verification?.errorReason}`);
      tally.attempt(leaked.length ? `${s.what}: ${leaked.join(', ')} readable: ${seen.text.slice(0, 300)}` : verdict !== 'ERROR' ? `${s.what}: verdict ${verdict}` : null);
    }
    tally.note(`${started.length} endpoint verifications against error answers carrying secrets: nothing of the bodies recorded`);
  } finally {
    leaky.closeAllConnections();
    await new Promise((r) => leaky.close(r));
  }
  return tally;
}

/** 4. Work queued by a tenant stops when it is deleted. */
async function tenantDeletion(prod: Proc, db: Database, d: TenantFixture): Promise<Tally> {
  const tally = new Tally('4 tenant-deletion');
  const earlier = await verifyArtifact(prod, db, d);
  if (earlier.verdict !== 'INTACT' || !earlier.jti) throw new Error(`the deletion tenant's first verification: ${short(earlier)}`);
  const before = (await must(prod, Q.status, { jti: earlier.jti }, null)).attestationStatus;
  if (before.revoked) throw new Error('attestation revoked before the deletion');

  // Queued, with the worker idle and listening: some may start before the deletion commits.
  const queued: string[] = [];
  for (let i = 0; i < 6; i++) {
    const v = (await must(prod, Q.verify, { input: { modelVersionId: d.versionId, mode: 'ARTIFACT' } }, d.operator)).verifyModel;
    queued.push(v.job.id);
  }
  const w = (await must(prod, Q.startWatermark, { input: { modelVersionId: d.versionId, triggerCount: 12, method: 'CE_ONLY', maxSteps: 50, allowWeak: true } }, d.operator)).startWatermark;
  queued.push(w.job.id);
  const deleted = await must(prod, `mutation($id: ID!) { deleteTenant(input: { id: $id, gracePeriodDays: 7 }) { cancelledJobs userErrors { code message } } }`, { id: d.id }, d.admin);
  const deletedAnswered = new Date();
  if (deleted.deleteTenant.userErrors.length) throw new Error(`deleteTenant: ${short(deleted.deleteTenant.userErrors)}`);
  const attestationsAtDeletion = await db.attestation.count({ where: { tenantId: d.id } });
  const tenantRow = await db.tenant.findUniqueOrThrow({ where: { id: d.id } });
  tally.note(`deleteTenant cancelled ${deleted.deleteTenant.cancelledJobs} of ${queued.length} queued jobs; ${attestationsAtDeletion - 1} raced it`);

  // The worker had its chance: every job ends, nothing more is signed or unsealed.
  await waitFor(() => db.job.findMany({ where: { id: { in: queued } } }), (jobs) => jobs.every((j) => terminal(j.status)), 30_000, "the deleted tenant's jobs");
  await sleep(3000);
  const jobs = await db.job.findMany({ where: { id: { in: queued } }, include: { verification: { include: { attestation: true } } } });
  for (const job of jobs) {
    const att = job.verification?.attestation;
    tally.attempt(att && att.issuedAt > deletedAnswered ? `job ${job.id} (${job.kind}) signed attestation ${att.jti} at ${att.issuedAt.toISOString()}, after the deletion` : null);
  }
  const after = await db.attestation.findMany({ where: { tenantId: d.id } });
  if (after.length !== attestationsAtDeletion) tally.fail(`${after.length - attestationsAtDeletion} attestations signed after deleteTenant answered`);
  const late = after.filter((x) => tenantRow.deletedAt && x.issuedAt > tenantRow.deletedAt);
  if (late.length) tally.note(`${late.length} attestations issued after deletedAt (${tenantRow.deletedAt!.toISOString()}) by the clock, committed before the deletion`);
  for (const att of after) {
    const s = (await must(prod, Q.status, { jti: att.jti }, null)).attestationStatus;
    tally.attempt(s.known && s.revoked ? null : `attestationStatus(${att.jti}) after deletion: ${short(s)}`);
  }
  const unseals = await db.auditEvent.count({ where: { tenantId: d.id, action: 'vault.unseal', createdAt: { gt: deletedAnswered } } });
  tally.attempt(unseals ? `${unseals} unseals of the deleted tenant's secrets after the deletion` : null);
  tally.note(`${after.length} attestations of the tenant, all checked for revocation; unseals after deletion: ${unseals}`);
  return tally;
}

/** 5. One tenant flooding a slow endpoint must not hold the worker's slots. */
async function fairness(prod: Proc, lab: Proc, db: Database, a: TenantFixture, b: TenantFixture, slow: RunningInferenceServer): Promise<Tally> {
  const tally = new Tally('5 fairness');
  const FLOOD = 24;
  const endpoint = { url: slow.url, protocol: 'KSERVE_V2', modelName: 'slow' };
  const flood: string[] = [];
  for (let i = 0; i < FLOOD; i++) {
    const v = (await must(lab, Q.verify, { input: { modelVersionId: a.versionId, mode: 'ENDPOINT', endpoint } }, a.operator)).verifyModel;
    if (v.userErrors.length) throw new Error(`tenant A verifyModel: ${short(v.userErrors)}`);
    flood.push(v.job.id);
  }
  await waitFor(() => db.job.count({ where: { id: { in: flood }, status: 'RUNNING' } }), (n) => n > 0, 30_000, "tenant A's first running job");
  let maxRunning = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxRunning = Math.max(maxRunning, await db.job.count({ where: { id: { in: flood }, status: 'RUNNING' } }));
      await sleep(100);
    }
  })();
  const waits: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await verifyArtifact(prod, db, b);
    waits.push(r.jobWaitMs);
    tally.attempt(
      r.verdict !== 'INTACT' ? `tenant B's verification: ${r.verdict}` : r.jobWaitMs > 5000 ? `tenant B's verification waited ${r.jobWaitMs} ms in the queue (done after ${r.totalMs} ms)` : null,
    );
    tally.note(`tenant B verification ${i + 1}: queued ${r.jobWaitMs} ms, verdict after ${r.totalMs} ms`);
  }
  const open = await db.job.findMany({ where: { id: { in: flood } } });
  sampling = false;
  await sampler;
  const finished = open.filter((j) => j.status === 'SUCCEEDED').length;
  tally.note(`tenant A: ${FLOOD} verifications of a ${slow.url} endpoint answering after 4 s; at most ${maxRunning} ran at once; ${finished} done when B's were`);
  // Tenant A's backlog is not needed any more.
  for (const j of open.filter((x) => terminal(x.status) === false)) await gql(lab, Q.cancel, { id: j.id }, a.operator);
  return tally;
}

/** 6. Storage: model.json over its cap, uploads past the tenant's quota. */
async function storage(prod: Proc, lab: Proc, db: Database, artifactDir: string, platformKey: string): Promise<Tally> {
  const tally = new Tally('6 storage');
  const blobs = () => listFiles(path.join(artifactDir, 'sha256'));
  const staged = () => listFiles(path.join(artifactDir, 'staging'));
  const nothingStored = async (before: string[], what: string) => {
    const now = await blobs();
    const added = now.filter((f) => !before.includes(f));
    const staging = await staged();
    return added.length ? `${what}: ${added.length} blobs stored` : staging.length ? `${what}: ${staging.length} staged files left` : null;
  };

  // model.json over 4 MiB: 413 while streaming, never parsed.
  const big = await makeTenant(prod, platformKey, 'abuse-big-json');
  const version = (await must(prod, Q.createVersion, { input: { modelId: big.modelId, label: 'big' } }, big.operator)).createModelVersion.modelVersion;
  const padded = new Uint8Array(4 * MB + 1).fill(0x20);
  padded[0] = 0x7b;
  for (const route of [CANDIDATES, version.uploadPath]) {
    for (const files of [new Map([['model.json', padded]]), new Map([['model.json', padded], ['weights.bin', new Uint8Array(1024)]])]) {
      const before = await blobs();
      const r = await upload(prod, big.operator, route, files);
      tally.attempt(r.status !== 413 || r.body?.error?.code !== 'UPLOAD_TOO_LARGE' ? `model.json 4 MiB + 1 to ${route}: ${r.status} ${short(r.body)}` : await nothingStored(before, 'oversized model.json'));
    }
  }

  // The quota: lab allows 2.5 tiny models per tenant.
  const q = await makeTenant(lab, platformKey, 'abuse-quota');
  for (const seed of ['quota-1', 'quota-2']) {
    const r = await upload(lab, q.operator, CANDIDATES, await tinyFiles(seed));
    if (r.status !== 201) throw new Error(`upload within the quota: ${r.status} ${short(r.body)}`);
  }
  const rowsBefore = await db.candidateArtifact.count({ where: { tenantId: q.id } });
  const qVersion = (await must(lab, Q.createVersion, { input: { modelId: q.modelId, label: 'over' } }, q.operator)).createModelVersion.modelVersion;
  for (let i = 0; i < 5; i++) {
    const before = await blobs();
    const route = i === 4 ? qVersion.uploadPath : CANDIDATES;
    const r = await upload(lab, q.operator, route, await tinyFiles(`quota-over-${i}`));
    if (i === 0) tally.note(`over quota: ${r.status} ${r.body?.error?.code}: ${r.body?.error?.message}`);
    tally.attempt(r.status !== 413 || r.body?.error?.code !== 'QUOTA_EXCEEDED' ? `upload past the quota (${route}): ${r.status} ${short(r.body)}` : await nothingStored(before, 'upload past the quota'));
  }
  const rowsAfter = await db.candidateArtifact.count({ where: { tenantId: q.id } });
  const versionAfter = await db.modelVersion.findUniqueOrThrow({ where: { id: qVersion.id } });
  if (rowsAfter !== rowsBefore || versionAfter.status === 'READY') tally.fail(`refused uploads recorded: ${rowsAfter - rowsBefore} candidates, version ${versionAfter.status}`);

  // Two uploads that each fit but not together (1.5 tiny models left).
  const race = await makeTenant(lab, platformKey, 'abuse-quota-race');
  if ((await upload(lab, race.operator, CANDIDATES, await tinyFiles('race-0'))).status !== 201) throw new Error('race: first upload refused');
  const before = await blobs();
  const replies = await Promise.all([upload(lab, race.operator, CANDIDATES, await tinyFiles('race-a')), upload(lab, race.operator, CANDIDATES, await tinyFiles('race-b'))]);
  const statuses = replies.map((r) => r.status).sort();
  const added = (await blobs()).filter((f) => !before.includes(f)).length;
  tally.attempt(statuses.join() !== '201,413' ? `two concurrent uploads that fit only alone: ${statuses.join(', ')}` : added > 2 ? `the refused concurrent upload left ${added - 2} blobs` : null);
  tally.note(`concurrent uploads that fit only alone: ${statuses.join(', ')}`);
  return tally;
}

/** 7. A burst of createChallenge on the default pool. */
async function pool(prod: Proc, b: TenantFixture, bystander: TenantFixture): Promise<Tally> {
  const tally = new Tally('7 pool');
  const latencies: number[] = [];
  const bystanderErrors: string[] = [];
  let bursting = true;
  const watch = (async () => {
    while (bursting) {
      const r = await gql(prod, `query { models(first: 1) { totalCount } }`, {}, bystander.viewer);
      if (r.status !== 200 || r.body?.errors) bystanderErrors.push(`${r.status} ${r.text.slice(0, 120)}`);
      latencies.push(r.ms);
    }
  })();
  const replies = await Promise.all(Array.from({ length: 40 }, () => gql(prod, Q.challenge, { w: b.watermarkId }, b.operator)));
  bursting = false;
  await watch;
  let retryable = 0;
  for (const r of replies) {
    const code = errorCode(r);
    if (code === 'SERVICE_UNAVAILABLE' && r.status === 503 && Number(r.headers['retry-after']) >= 1 && r.body.errors[0].extensions.retryable === true) {
      retryable += 1;
      tally.attempt(null);
    } else if (code || r.status !== 200) tally.attempt(`createChallenge: ${r.status} ${r.body?.errors?.[0]?.message ?? ''} (${code})`);
    else {
      const p = r.body.data.createChallenge;
      tally.attempt(p.userErrors.length || !p.challenge?.id ? `createChallenge user errors: ${short(p.userErrors)}` : null);
    }
  }
  if (bystanderErrors.length) tally.fail(`another tenant's requests failed during the burst: ${bystanderErrors[0]}`);
  latencies.sort((x, y) => x - y);
  tally.note(`40 parallel createChallenge: ${40 - retryable - tally.failures} succeeded, ${retryable} SERVICE_UNAVAILABLE (retryable), ${tally.failures} other`);
  tally.note(`bystander tenant during the burst: ${latencies.length} requests, p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`);
  return tally;
}

/** 8. The lesser items: input the database cannot take, altered tokens, guessing keys, absurd models. */
async function lesser(prod: Proc, platformKey: string, b: TenantFixture, token: string): Promise<Tally> {
  const tally = new Tally('8 lesser');
  // Input the database cannot store: a user error, never internal.
  const inputs: Array<[string, string, Record<string, unknown>, string | null]> = [
    ['NUL in a variable', 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code } } }', { input: { name: 'Acme\u0000Evil' } }, platformKey],
    ['NUL in a list variable', 'mutation($tags: [String!]) { registerModel(input: { name: "m", tags: $tags }) { model { id } } }', { tags: ['ok', 'b\u0000d'] }, b.operator],
    ['NUL in a literal', '{ models(filter: { name: "a\\u0000" }) { totalCount } }', {}, b.operator],
    ['NUL in an audit filter', 'query($a: String) { auditEvents(filter: { action: $a }) { totalCount } }', { a: 'vault.\u0000' }, b.admin],
    ['unpaired surrogate', 'mutation($n: String!) { createApiKey(input: { name: $n, role: VIEWER }) { secret } }', { n: 'key \ud800' }, b.admin],
    ['year 0000 (variable)', 'query($s: DateTime) { auditEvents(filter: { since: $s }) { totalCount } }', { s: '0000-01-01T00:00:00Z' }, b.admin],
    ['year 0000 (literal)', '{ verifications(filter: { until: "0000-06-01T00:00:00Z" }) { totalCount } }', {}, b.operator],
    ['year 10000', 'query($s: DateTime) { auditEvents(filter: { since: $s }) { totalCount } }', { s: '+010000-01-01T00:00:00Z' }, b.admin],
    ['February 30', 'mutation($e: DateTime) { createApiKey(input: { name: "k", role: VIEWER, expiresAt: $e }) { secret } }', { e: '2031-02-30T00:00:00Z' }, b.admin],
    ['non-UUID modelId filter', 'query($id: ID) { verifications(filter: { modelId: $id }) { totalCount } }', { id: 'not-a-uuid' }, b.operator],
    ['non-UUID modelVersionId filter', 'query($id: ID) { verifications(filter: { modelVersionId: $id }) { totalCount } }', { id: "1' OR '1'='1" }, b.operator],
    ['non-UUID id', 'query($id: ID!) { verification(id: $id) { id } }', { id: 'nope' }, b.operator],
    ['non-UUID tenantId', 'mutation { createApiKey(input: { name: "k", role: VIEWER, tenantId: "nope" }) { secret userErrors { code field } } }', {}, platformKey],
  ];
  for (const [name, query, variables, key] of inputs) {
    const r = await gql(prod, query, variables, key);
    const code = errorCode(r);
    const payload = r.body?.data && (Object.values(r.body.data)[0] as { userErrors?: Array<{ code: string }> } | null);
    const userError = payload?.userErrors?.[0]?.code;
    const internal = r.status >= 500 || code === 'INTERNAL_SERVER_ERROR' || /internal server error/i.test(r.text);
    // `verification(id: "nope")` may also answer null (not found): a refusal too.
    const refused = code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || Boolean(userError) || (name === 'non-UUID id' && r.body?.data?.verification === null);
    tally.attempt(internal ? `${name}: internal (${r.status} ${r.text.slice(0, 160)})` : !refused ? `${name}: not refused (${r.status} ${r.text.slice(0, 160)})` : null);
  }

  // An attestation with its last base64url character altered: every variant invalid.
  const jwks = await fetchJwks(jwksUrlForIssuer(prod.url));
  await verifyAttestation(token, jwks, { issuer: prod.url, audience: null }); // the original verifies
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const reasons = new Map<string, number>();
  for (const c of alphabet) {
    if (c === token.at(-1)) continue;
    const altered = token.slice(0, -1) + c;
    try {
      await verifyAttestation(altered, jwks, { issuer: prod.url, audience: null });
      tally.attempt(`token with last character ${token.at(-1)} -> ${c} verified`);
    } catch (error) {
      if (!(error instanceof AttestationError)) throw error;
      reasons.set(error.code, (reasons.get(error.code) ?? 0) + 1);
      tally.attempt(null);
    }
  }
  tally.note(`63 tokens with the last character altered: ${[...reasons].map(([c, n]) => `${n} ${c}`).join(', ')}`);

  // 30 failed authentications from one address.
  const bad = `fmk_${'A'.repeat(43)}`;
  const from = '127.0.0.77';
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await gql(prod, '{ viewer { role } }', {}, bad, from);
    statuses.push(r.status);
    const retryAfter = Number(r.headers['retry-after']);
    if (r.status === 429) tally.attempt(Number.isInteger(retryAfter) && retryAfter > 0 && errorCode(r) === 'RATE_LIMITED' ? null : `429 without Retry-After / RATE_LIMITED: ${short(r.headers)}`);
    else if (r.status === 401) tally.attempt(i < 11 ? null : `failed authentication ${i + 1} still answered 401`);
    else tally.attempt(`failed authentication ${i + 1}: HTTP ${r.status} ${r.text.slice(0, 120)}`);
  }
  const validBlocked = await gql(prod, '{ viewer { role } }', {}, b.operator, from);
  tally.attempt(validBlocked.status === 429 ? null : `a valid key from the blocked address: ${validBlocked.status} (an oracle for guesses)`);
  const first429 = statuses.indexOf(429);
  tally.note(`30 failed authentications from ${from}: ${statuses.filter((s) => s === 401).length} x 401, then ${statuses.filter((s) => s === 429).length} x 429${first429 >= 0 ? ` from attempt ${first429 + 1}` : ''}; a valid key from there: ${validBlocked.status}`);

  // Models no classifier should be: NaN or infinite weights, 300,000,000 classes.
  const files = await tinyFiles('nan');
  const manifest = JSON.parse(new TextDecoder().decode(files.get('model.json')!)) as { weightsManifest: Array<{ paths: string[] }> };
  const shard = manifest.weightsManifest[0]!.paths[0]!;
  const absurd: Array<[string, Map<string, Uint8Array>]> = [];
  for (const [name, value] of [['NaN weight', Number.NaN], ['infinite weight', Number.POSITIVE_INFINITY]] as const) {
    const weights = new Uint8Array(files.get(shard)!);
    new DataView(weights.buffer).setFloat32(8, value, true);
    absurd.push([name, new Map([...files, [shard, weights]])]);
  }
  absurd.push([
    '300,000,000 classes',
    new Map([
      ['model.json', layersModelJson([{ class_name: 'Dense', config: { name: 'wide', units: 300_000_000, activation: 'softmax', batch_input_shape: [null, 1] } }], [{ name: 'wide/kernel', shape: [1, 300_000_000] }, { name: 'wide/bias', shape: [300_000_000] }])],
      ['weights.bin', new Uint8Array(8)],
    ]),
  ]);
  absurd.push([
    '70,000 classes (honest manifest)',
    new Map([
      ['model.json', layersModelJson([{ class_name: 'Dense', config: { name: 'wide', units: 70_000, activation: 'softmax', batch_input_shape: [null, 1] } }], [{ name: 'wide/kernel', shape: [1, 70_000] }, { name: 'wide/bias', shape: [70_000] }])],
      ['weights.bin', new Uint8Array(8 * 70_000)],
    ]),
  ]);
  for (const [name, model] of absurd) {
    const r = await upload(prod, b.operator, CANDIDATES, model);
    tally.note(`${name}: ${r.status} ${r.body?.error?.code}: ${String(r.body?.error?.message).slice(0, 140)}`);
    tally.attempt(r.status >= 400 && r.status < 500 ? null : `${name} model: HTTP ${r.status} ${short(r.body)}`);
  }
  return tally;
}

// ---------------------------------------------------------------------------------------------
// Main

log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}`);
await initBackend({ ...loadEngineOptions(), log: () => {} });
const pg = await startThrowAwayDatabase('fragmark');
const pgPort = Number(new URL(pg.url).port);
const artifactDir = await mkdtemp(path.join(tmpdir(), 'fragmark-abuse-artifacts-'));
const dataDirs: string[] = [];
const processes: Proc[] = [];
const servers: RunningInferenceServer[] = [];
const db = createDatabaseClient(pg.url, { poolSize: 4 });
const tallies: Tally[] = [];
try {
  const masterKey = randomBytes(32).toString('base64');
  const tinySize = [...(await tinyFiles('size')).values()].reduce((s, b) => s + b.byteLength, 0);
  const common = async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'fragmark-abuse-data-'));
    dataDirs.push(dataDir);
    return { DATABASE_URL: pg.url, FRAGMARK_MASTER_KEY: masterKey, FRAGMARK_ARTIFACT_DIR: artifactDir, FRAGMARK_DATA_DIR: dataDir, FRAGMARK_ENV: 'production', FRAGMARK_LOG_LEVEL: 'warn' };
  };
  const prodPort = await findFreePort();
  const prodUrl = `http://127.0.0.1:${prodPort}`;
  const prod = await spawnFragmark('prod API', 'serve', { ...(await common()), FRAGMARK_PORT: String(prodPort), FRAGMARK_WORKERS: '0', ...prodOverrides });
  processes.push(prod);
  const platformKey = (await readFile(String(prod.ready.initialAdminKeyFile), 'utf8')).trim();
  const labPort = await findFreePort();
  const lab = await spawnFragmark('lab API', 'serve', {
    ...(await common()),
    FRAGMARK_PORT: String(labPort),
    FRAGMARK_WORKERS: '0',
    FRAGMARK_PUBLIC_URL: prodUrl,
    FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32',
    FRAGMARK_TENANT_STORAGE_QUOTA_BYTES: String(Math.floor(2.5 * tinySize)),
  });
  processes.push(lab);
  const worker = await spawnFragmark('worker', 'worker', { ...(await common()), FRAGMARK_PUBLIC_URL: prodUrl, FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32', FRAGMARK_WASM_THREADS: '1', ...workerOverrides });
  processes.push(worker);
  if (Object.keys(prodOverrides).length || Object.keys(workerOverrides).length) log(`NOT production defaults: prod ${short(prodOverrides)}, worker ${short(workerOverrides)}`);
  log(`prod API ${prod.url} (pid ${prod.child.pid}), lab API ${lab.url}, worker pid ${worker.child.pid}, PostgreSQL :${pgPort}`);

  // Tenants: A (slow endpoint, leak checks), B (victim of the flood, challenges), D (deleted).
  const a = await makeTenant(prod, platformKey, 'abuse-a');
  await addVersion(prod, a, 'tenant-a', true);
  const b = await makeTenant(prod, platformKey, 'abuse-b');
  await addVersion(prod, b, 'tenant-b');
  const d = await makeTenant(prod, platformKey, 'abuse-d');
  await addVersion(prod, d, 'tenant-d');
  await watermark(prod, db, a, 24);
  await watermark(prod, db, b, 100);
  await watermark(prod, db, d, 12);
  const bToken = (await verifyArtifact(prod, db, b)).token;
  if (!bToken) throw new Error("tenant B's verification has no attestation");
  log('fixtures ready (3 tenants, 3 watermarks, one attestation)');

  const run = async (n: number, work: () => Promise<Tally>) => {
    if (!wanted(n)) return;
    const began = performance.now();
    const tally = await work();
    tallies.push(tally);
    log(`${tally.name}: ${tally.attempts} attempts, ${tally.failures} failures (${((performance.now() - began) / 1000).toFixed(1)} s)`);
  };
  await run(1, () => queryFreeze(prod));
  await run(2, async () => uploadMemory(prod, db, await makeTenant(prod, platformKey, 'abuse-uploader')));
  await run(3, () => ssrf(prod, lab, db, pgPort, b, a));
  await run(4, () => tenantDeletion(prod, db, d));
  await run(5, async () => {
    const slow = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'slow', classifier: classifierFromModel(a.model!), behaviour: 'slow', slowMs: 4000 });
    servers.push(slow);
    return fairness(prod, lab, db, a, b, slow);
  });
  await run(6, () => storage(prod, lab, db, artifactDir, platformKey));
  await run(7, () => pool(prod, b, a));
  await run(8, () => lesser(prod, platformKey, b, bToken));

  // Whatever the categories saw, the servers must not have logged an unexpected error.
  const unexpected = processes.flatMap((p) => p.output().split('\n').filter((l) => l.includes('unexpected error')).map((l) => `${p.name}: ${l.slice(0, 300)}`));
  console.log('');
  for (const t of tallies) {
    console.log(`${t.name.padEnd(18)} attempts ${String(t.attempts).padStart(4)}  failures ${t.failures}`);
    for (const n of t.notes) console.log(`    ${n}`);
    for (const p of t.problems.slice(0, 10)) console.log(`    FAILED: ${p.replace(/\s+/g, ' ')}`);
    if (t.problems.length > 10) console.log(`    ... and ${t.problems.length - 10} more`);
  }
  console.log(`unexpected errors logged by the servers: ${unexpected.length}`);
  for (const u of unexpected.slice(0, 5)) console.log(`    ${u}`);
  log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  process.exitCode = tallies.some((t) => t.failures > 0) || unexpected.length > 0 ? 1 : 0;
} finally {
  for (const s of servers) await s.close().catch(() => {});
  for (const p of [...processes].reverse()) await p.stop().catch(() => {});
  await db.$disconnect().catch(() => {});
  await pg.stop().catch(() => {});
  for (const dir of [artifactDir, ...dataDirs]) await rm(dir, { recursive: true, force: true });
}
