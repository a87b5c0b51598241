/**
 * Every GraphQL operation and every `fragmark` command shown in docs/*.md and README.md runs
 * here against a real server (real HTTP, real PostgreSQL, a real worker), so the documentation
 * cannot go stale: rename a field or a flag and this test fails, naming the file and line.
 *
 * The convention (also written down in docs/README.md):
 *
 * - A fenced block with the info string `graphql` is executed: each operation in it separately,
 *   in document order, as the TENANT_ADMIN of a tenant created for that Markdown file. It passes
 *   when the response has no `errors` and no non-empty `userErrors` anywhere in `data`.
 *   Variables the operation declares are filled from the file's fixture (FIXTURE_VARIABLES):
 *   $tenantId, $modelId, $versionId (or $modelVersionId), $watermarkId, $jti, $apiKeyId (a spare VIEWER key),
 *   $webhookSubscriptionId (a webhook subscription to https://hooks.example.com/…).
 * - A fenced block with the info string `sh` (or `bash`, `shell`) has its `fragmark ...` and
 *   `npx fragmark ...` lines executed (optionally preceded by VAR=value assignments; a line
 *   ending in a backslash continues on the next). Other lines (curl, npm, export, comments) are
 *   shown for people and not executed. Each command runs in bash, in a scratch folder that holds
 *   `fixtures/` (the repository's) and `jwks.json` (the server's key set), with these variables
 *   set: FRAGMARK_URL and FRAGMARK_API_KEY (client commands), ISSUER (= FRAGMARK_URL), TOKEN and
 *   JTI (an attestation made for the audience https://auditor.example), VERIFICATION_ID (the
 *   verification it attests), MODEL / MODEL_ID, VERSION_ID, WATERMARK_ID, WEBHOOK_SUBSCRIPTION_ID, API_KEY_ID (the spare
 *   VIEWER key), and for server-side commands (db, admin, vault, serve, worker) a
 *   separate scratch database (DATABASE_URL) with its master key in a key file
 *   (FRAGMARK_MASTER_KEY_FILE). Undefined variables are errors (`set -u`). The command must
 *   exit 0. `serve` and `worker` pass when they report ready, and are then stopped with SIGTERM.
 * - A fenced `ts` (or `typescript`) or `python` block marked `<!-- example: webhook-receiver -->` is a
 *   webhook receiver: it is written to a file and run (tsx; python3, or skipped with a reason where
 *   python3 is not on PATH) with WEBHOOK_SECRET (a fresh whsec_ secret) and PORT set. It passes when
 *   it answers a delivery signed by Fragmark's own signing code (src/webhooks) with a 2xx, and an
 *   altered body, a delivery signed with another secret and a stale timestamp each with a 4xx.
 * - An HTML comment directly above a block changes how it runs:
 *     <!-- example: skip (reason) -->      not executed; the reason is required
 *     <!-- example: as PLATFORM_ADMIN -->  run with that key (PLATFORM_ADMIN, TENANT_ADMIN,
 *                                          OPERATOR, VIEWER) or with none: as ANONYMOUS
 *     <!-- example: fresh-tenant -->       run in a new, otherwise empty tenant (for deleteTenant)
 *     <!-- example: exit 1 -->             every command in the block must exit with this code
 *     <!-- example: webhook-receiver -->   (ts or python blocks only) run as a webhook receiver, above
 *   Options combine with commas: <!-- example: as OPERATOR, exit 3 -->. An unknown option, or a
 *   marker that is not directly above a fenced block, fails the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type DefinitionNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { withDatabase } from '../support/database.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { generateWebhookSecret, signedHeaders } from '../../src/webhooks/webhook-signature.ts';
import { webhookIdOf } from '../../src/webhooks/webhook-events.ts';
import { findFreePort } from '../support/ports.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'fragmark.js');
const AUDIENCE = 'https://auditor.example';
const ROLES = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'OPERATOR', 'VIEWER', 'ANONYMOUS'] as const;
type As = (typeof ROLES)[number];

// ---------------------------------------------------------------------------------------------
// Extraction

export interface ExampleOptions {
  skip?: string;
  as?: As;
  freshTenant?: boolean;
  exit?: number;
  webhookReceiver?: boolean;
}

export interface Example {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  kind: 'graphql' | 'sh' | 'receiver';
  /** For receivers: the language the block is run as. */
  language?: 'ts' | 'python';
  code: string;
  options: ExampleOptions;
  /** For sh: the fragmark command lines (continuations joined). */
  commands: string[];
}

const MARKER = /^\s*<!--\s*example:(.*?)-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const COMMAND = /^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:npx\s+)?fragmark(?:\s|$)/;

export function parseOptions(text: string, where: string): ExampleOptions {
  const options: ExampleOptions = {};
  const skip = /^\s*skip\s*(?:\((.+)\)|:\s*(.+))\s*$/.exec(text);
  if (skip) return { skip: (skip[1] ?? skip[2])!.trim() };
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    let match: RegExpExecArray | null;
    if ((match = /^as\s+(\w+)$/.exec(raw)) && (ROLES as readonly string[]).includes(match[1]!)) options.as = match[1] as As;
    else if (raw === 'fresh-tenant') options.freshTenant = true;
    else if (raw === 'webhook-receiver') options.webhookReceiver = true;
    else if ((match = /^exit\s+(\d+)$/.exec(raw))) options.exit = Number(match[1]);
    else throw new Error(`${where}: unknown example option "${raw}" (known: skip (reason), as ROLE, fresh-tenant, exit N, webhook-receiver)`);
  }
  return options;
}

export function extractExamples(file: string, text: string): Example[] {
  const lines = text.split('\n');
  const examples: Example[] = [];
  let pending: { options: ExampleOptions; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = MARKER.exec(line);
    if (marker) {
      if (pending) throw new Error(`${file}:${pending.line}: example marker not directly above a fenced block`);
      pending = { options: parseOptions(marker[1]!, `${file}:${i + 1}`), line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (pending && line.trim() !== '') throw new Error(`${file}:${pending.line}: example marker not directly above a fenced block`);
      continue;
    }
    const [, indent, ticks, lang] = fence;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(ticks!) && l.trim().replace(/[`~]/g, '') === '') break;
      body.push(l.startsWith(indent!) ? l.slice(indent!.length) : l);
    }
    const options = pending?.options ?? {};
    const start = i + 1;
    pending = null;
    i = j;
    const code = body.join('\n');
    const receiverLanguage = lang === 'ts' || lang === 'typescript' ? 'ts' : lang === 'python' ? 'python' : null;
    if (options.webhookReceiver && !receiverLanguage) throw new Error(`${file}:${start}: webhook-receiver marks a ts or python block, not \`${lang || 'plain'}\``);
    if (options.webhookReceiver && receiverLanguage) {
      examples.push({ file, line: start, kind: 'receiver', language: receiverLanguage, code, options, commands: [] });
    } else if (lang === 'graphql') {
      examples.push({ file, line: start, kind: 'graphql', code, options, commands: [] });
    } else if (lang === 'sh' || lang === 'bash' || lang === 'shell') {
      const commands = shellCommands(code);
      if (commands.length > 0) examples.push({ file, line: start, kind: 'sh', code, options, commands });
      else if (Object.keys(options).length > 0 && !options.skip) throw new Error(`${file}:${start}: marker on a block with no fragmark command`);
    } else if (Object.keys(options).length > 0 && !options.skip) {
      throw new Error(`${file}:${start}: marker on a \`${lang || 'plain'}\` block, which is never executed`);
    }
  }
  if (pending) throw new Error(`${file}:${pending.line}: example marker not directly above a fenced block`);
  return examples;
}

export function shellCommands(code: string): string[] {
  const joined: string[] = [];
  let current = '';
  for (const raw of code.split('\n')) {
    if (raw.trimEnd().endsWith('\\')) {
      current += raw.trim().slice(0, -1).trim() + ' ';
      continue;
    }
    joined.push((current + raw.trim()).trim());
    current = '';
  }
  if (current) joined.push(current.trim());
  return joined.filter((l) => COMMAND.test(l));
}

// ---------------------------------------------------------------------------------------------
// Running

interface FileContext {
  tenantId: string;
  keys: Partial<Record<As, string | null>>;
  vars: Record<string, string>;
}

const FIXTURE_VARIABLES = ['tenantId', 'modelId', 'versionId', 'modelVersionId', 'watermarkId', 'jti', 'apiKeyId', 'webhookSubscriptionId'] as const;

function findUserErrors(value: unknown, at: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findUserErrors(v, [...at, String(i)]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k === 'userErrors' && Array.isArray(v) && v.length > 0 ? [`${[...at, k].join('.')}: ${JSON.stringify(v)}`] : findUserErrors(v, [...at, k]),
    );
  }
  return [];
}

export async function runGraphQL(url: string, code: string, key: string | null, vars: Record<string, string>): Promise<void> {
  let document: DocumentNode;
  try {
    document = parse(code);
  } catch (error) {
    throw new Error(`does not parse as GraphQL: ${(error as Error).message}`);
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = document.definitions.filter((d): d is DefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  if (operations.length === 0) throw new Error('no operation in the block');
  for (const operation of operations) {
    const query = print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] });
    const variables: Record<string, string> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (vars[name] === undefined) throw new Error(`operation declares $${name}, which the fixture does not provide (${FIXTURE_VARIABLES.join(', ')})`);
      variables[name] = vars[name]!;
    }
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    const first = operation.selectionSet.selections[0];
    const label = `${operation.operation} { ${first?.kind === Kind.FIELD ? first.name.value : '…'} }`;
    if (body.errors?.length) {
      throw new Error(`${label} …\n  HTTP ${response.status}, errors: ${body.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
    }
    const userErrors = findUserErrors(body.data);
    if (userErrors.length > 0) throw new Error(`${label} …\n  userErrors: ${userErrors.join('; ')}`);
  }
}

export interface ShellEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const LONG_RUNNING = /(?:^|\s)fragmark\s+(serve|worker)(?:\s|$)/;
const READY = /"event":"ready"|Fragmark is running|Worker \S+ ready/;

export function runCommand(command: string, shell: ShellEnvironment, expectedExit: number): Promise<void> {
  const longRunning = LONG_RUNNING.test(command);
  return new Promise((resolve, reject) => {
    // A long-running command (serve, worker) is started directly, without a shell in between, so
    // that the SIGTERM which stops it reaches the process itself: `VAR=value fragmark args…`.
    let child;
    if (longRunning) {
      const words = command.trim().split(/\s+/);
      const env = { ...shell.env };
      while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
        const [name, ...value] = words.shift()!.split('=');
        env[name!] = value.join('=');
      }
      if (words[0] === 'npx') words.shift();
      if (words.shift() !== 'fragmark') throw new Error(`cannot start \`${command}\` without a shell`);
      child = spawn(process.execPath, [BIN, ...words], { cwd: shell.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } else {
      child = spawn('bash', ['-u', '-o', 'pipefail', '-c', command], { cwd: shell.cwd, env: shell.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    }
    let output = '';
    let stopping = false;
    const onData = (d: Buffer) => {
      output += d;
      if (longRunning && !stopping && READY.test(output)) {
        stopping = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`\`${command}\` did not finish within 120 s:\n${output.slice(-2000)}`));
    }, 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (longRunning && !stopping) return reject(new Error(`\`${command}\` exited (${code ?? signal}) before reporting ready:\n${output.slice(-2000)}`));
      if (code !== expectedExit) return reject(new Error(`\`${command}\` exited with ${code ?? signal}, expected ${expectedExit}:\n${output.slice(-2000)}`));
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The fixture: a server, a worker, per Markdown file a tenant with a watermarked model version
// and an attestation, and a scratch database for server-side commands.

const DOC_FILES = [
  ...(existsSync(path.join(ROOT, 'docs')) ? readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`) : []),
];
const README = 'README.md';

let api: TestApi;
let worker: TestWorker;
let scratch: string;
let shellBase: NodeJS.ProcessEnv;
let opsDatabase: { url: string; drop(): Promise<void> };
let modelFiles: Map<string, Uint8Array>;
/**
 * The README tour watermarks $VERSION_ID with the defaults, which must make a standard watermark:
 * the reference classifier's self-check always flips triggers (61-82% measured), the tiny model's
 * sometimes none. So the README's fixture version is the reference classifier, the tour's own model.
 */
let referenceFiles: Map<string, Uint8Array>;

async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `fragmark_docs_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  return { url, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function seedFile(file: string): Promise<FileContext> {
  const tenant = await createTenant(api, `Docs ${file}`);
  const keys: FileContext['keys'] = { TENANT_ADMIN: tenant.adminKey, PLATFORM_ADMIN: api.adminKey, ANONYMOUS: null };
  const key = tenant.adminKey;
  const model = await api.gql(`mutation { registerModel(input: { name: "digits", tags: ["mnist"] }) { model { id } userErrors { message } } }`, {}, key);
  const modelId = model.data.registerModel.model.id as string;
  const version = await api.gql(
    `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { message } } }`,
    { input: { modelId, label: '0.1.0' } },
    key,
  );
  const { id: versionId, uploadPath } = version.data.createModelVersion.modelVersion;
  const uploaded = await uploadFiles(api, key, uploadPath, file === README ? referenceFiles : modelFiles);
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  const started = await api.gql(
    `mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY", allowWeak: true }) { watermark { id } job { id } userErrors { message } } }`,
    { v: versionId },
    key,
  );
  const watermarkId = started.data.startWatermark.watermark.id as string;
  await waitFor(async () => {
    const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error } }`, { id: started.data.startWatermark.job.id }, key)).data.job;
    if (job.status === 'FAILED' || job.status === 'CANCELLED') throw new Error(`seed watermark ${job.status}: ${job.error}`);
    return job.status === 'SUCCEEDED' ? true : undefined;
  }, 'the seed watermark');
  const verified = await api.gql(
    `mutation($v: ID!, $aud: String) { verifyModel(input: { modelVersionId: $v, mode: ARTIFACT, audience: $aud, nonce: "docs-nonce" }) { verification { id } userErrors { message } } }`,
    { v: versionId, aud: AUDIENCE },
    key,
  );
  const verification = await waitFor(async () => {
    const v = (await api.gql(`query($id: ID!) { verification(id: $id) { verdict errorReason attestation { jti token } } }`, { id: verified.data.verifyModel.verification.id }, key)).data.verification;
    if (v.verdict === 'ERROR') throw new Error(`seed verification: ${v.errorReason}`);
    return v.verdict === 'PENDING' ? undefined : v;
  }, 'the seed verification');
  const spare = await createKey(api, tenant.adminKey, 'VIEWER', 'spare key for examples');
  const hook = await api.gql(
    `mutation { createWebhookSubscription(input: { url: "https://hooks.example.com/docs-fixture", eventTypes: ["alert.opened"] }) { subscription { id } userErrors { message } } }`,
    {},
    key,
  );
  return {
    tenantId: tenant.id,
    keys,
    vars: {
      tenantId: tenant.id,
      modelId,
      versionId,
      modelVersionId: versionId,
      watermarkId,
      jti: verification.attestation.jti,
      token: verification.attestation.token,
      verificationId: verified.data.verifyModel.verification.id,
      apiKeyId: spare.id,
      webhookSubscriptionId: hook.data.createWebhookSubscription.subscription.id,
    },
  };
}

async function keyFor(context: FileContext, options: ExampleOptions): Promise<{ key: string | null; vars: Record<string, string> }> {
  if (options.freshTenant) {
    const fresh = await createTenant(api, `Docs fresh ${randomBytes(3).toString('hex')}`);
    const role = options.as ?? 'TENANT_ADMIN';
    const key = role === 'TENANT_ADMIN' ? fresh.adminKey : role === 'PLATFORM_ADMIN' ? api.adminKey : role === 'ANONYMOUS' ? null : (await createKey(api, fresh.adminKey, role)).secret;
    return { key, vars: { tenantId: fresh.id } };
  }
  const role = options.as ?? 'TENANT_ADMIN';
  if (context.keys[role] === undefined) context.keys[role] = (await createKey(api, context.keys.TENANT_ADMIN!, role)).secret;
  return { key: context.keys[role]!, vars: context.vars };
}

async function runExample(example: Example, context: FileContext): Promise<void> {
  if (example.kind === 'receiver') return runWebhookReceiver(example, scratch);
  const { key, vars } = await keyFor(context, example.options);
  if (example.kind === 'graphql') return runGraphQL(api.url, example.code, key, vars);
  const env: NodeJS.ProcessEnv = {
    ...shellBase,
    FRAGMARK_API_KEY: key ?? '',
    TOKEN: context.vars.token,
    JTI: context.vars.jti,
    VERIFICATION_ID: context.vars.verificationId,
    MODEL: context.vars.modelId,
    MODEL_ID: context.vars.modelId,
    VERSION_ID: context.vars.versionId,
    WATERMARK_ID: context.vars.watermarkId,
    WEBHOOK_SUBSCRIPTION_ID: context.vars.webhookSubscriptionId,
    API_KEY_ID: context.vars.apiKeyId,
  };
  // The key set as of now (an earlier example may have rotated the signing key).
  await writeFile(path.join(scratch, 'jwks.json'), await (await fetch(`${api.url}/.well-known/jwks.json`)).text());
  for (const command of example.commands) await runCommand(command, { cwd: scratch, env }, example.options.exit ?? 0);
}

const PYTHON = spawnSync('python3', ['--version']).status === 0;

/** Why a receiver example cannot run here, or null. CI must never need Python. */
function receiverSkip(example: Example): string | null {
  return example.language === 'python' && !PYTHON ? 'python3 is not on PATH' : null;
}

/**
 * Runs a receiver example and sends it deliveries signed by src/webhooks' own signing code: a
 * genuine one (and one signed with two secrets, as during a rotation) must get a 2xx; an altered
 * body, another secret's signature and a stale timestamp, a 4xx.
 */
export async function runWebhookReceiver(example: Example, dir: string): Promise<void> {
  const file = path.join(dir, `receiver-${example.line}.${example.language === 'ts' ? 'ts' : 'py'}`);
  await writeFile(file, example.code);
  const { key, secret } = generateWebhookSecret();
  const port = await findFreePort();
  const command = example.language === 'ts' ? [process.execPath, path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file] : ['python3', file];
  const child = spawn(command[0]!, command.slice(1), { cwd: dir, env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const post = async (body: string, headers: Record<string, string>) => {
      const response = await fetch(`http://127.0.0.1:${port}/fragmark`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      return response.status;
    };
    const now = () => Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { subscriptionId: 'docs', message: 'A test delivery from Fragmark.' } });
    const id = webhookIdOf(randomUUID());
    const deadline = Date.now() + 30_000;
    // Started when it answers: the first request is the genuine delivery.
    for (;;) {
      const status = await Promise.race([post(body, { ...signedHeaders([key], id, now(), body) }).catch(() => null), exited.then(() => -1)]);
      if (status === -1) throw new Error(`the receiver exited before answering:\n${output.slice(-2000)}`);
      if (status !== null) {
        if (status < 200 || status > 299) throw new Error(`the receiver answered a genuine delivery with HTTP ${status}:\n${output.slice(-2000)}`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`the receiver did not listen on PORT within 30 s:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const other = generateWebhookSecret().key;
    const rotating = await post(body, { ...signedHeaders([other, key], webhookIdOf(randomUUID()), now(), body) });
    if (rotating < 200 || rotating > 299) throw new Error(`the receiver refused a delivery signed with the new and the previous secret (HTTP ${rotating})`);
    const refusals: Array<[string, string, Record<string, string>]> = [
      ['an altered body', body.replace('test delivery', 'tost delivery'), { ...signedHeaders([key], id, now(), body) }],
      ['another secret', body, { ...signedHeaders([other], id, now(), body) }],
      ['a timestamp 10 minutes old', body, { ...signedHeaders([key], id, now() - 600, body) }],
    ];
    for (const [what, sent, headers] of refusals) {
      const status = await post(sent, headers);
      if (status < 400 || status > 499) throw new Error(`the receiver answered ${what} with HTTP ${status}, not a 4xx`);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function examplesOf(file: string): Example[] {
  return extractExamples(file, readFileSync(path.join(ROOT, file), 'utf8'));
}

before(async () => {
  api = await startTestApi({}, { superviseIntervalSeconds: 1 });
  await initBackend({ log: () => {} });
  const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
  modelFiles = await saveModelToFiles(model);
  model.dispose();
  const reference = path.join(ROOT, 'fixtures', 'mnist-cnn');
  referenceFiles = new Map(['model.json', 'weights.bin'].map((name) => [name, new Uint8Array(readFileSync(path.join(reference, name)))]));
  worker = await startTestWorker(api, { FRAGMARK_WORKER_CONCURRENCY: '2' });
  opsDatabase = await createScratchDatabase(api.database.serverUrl);

  scratch = await mkdtemp(path.join(tmpdir(), 'fragmark-docs-'));
  const bin = path.join(scratch, '.bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'fragmark'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await writeFile(path.join(bin, 'npx'), `#!/bin/sh\nif [ "$1" = fragmark ]; then shift; exec "${path.join(bin, 'fragmark')}" "$@"; fi\necho "docs test: only 'npx fragmark' is available" >&2; exit 127\n`);
  await chmod(path.join(bin, 'fragmark'), 0o755);
  await chmod(path.join(bin, 'npx'), 0o755);
  await symlink(path.join(ROOT, 'fixtures'), path.join(scratch, 'fixtures'));
  await writeFile(path.join(scratch, 'jwks.json'), await (await fetch(`${api.url}/.well-known/jwks.json`)).text());
  const keyFile = path.join(scratch, 'master.key');
  await writeFile(path.join(scratch, 'master.key'), `1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const dataDir = path.join(scratch, 'data');
  await mkdir(dataDir);

  shellBase = { ...process.env };
  for (const name of Object.keys(shellBase)) if (name.startsWith('FRAGMARK_') || name === 'DATABASE_URL') delete shellBase[name];
  Object.assign(shellBase, {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    FRAGMARK_ENV: 'test',
    FRAGMARK_URL: api.url,
    ISSUER: api.url,
    DATABASE_URL: opsDatabase.url,
    FRAGMARK_MASTER_KEY_FILE: keyFile,
    FRAGMARK_DATA_DIR: dataDir,
    FRAGMARK_ARTIFACT_DIR: path.join(dataDir, 'artifacts'),
    FRAGMARK_HOST: '127.0.0.1',
    FRAGMARK_PORT: '0',
    FRAGMARK_PUBLIC_URL: 'http://127.0.0.1:4000',
    FRAGMARK_LOG_LEVEL: 'warn',
  });
});

after(async () => {
  if (worker) await stopTestWorker(worker);
  await opsDatabase?.drop();
  await api?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the example convention', () => {
  test('markers parse; unknown options and stray markers are refused', () => {
    const examples = extractExamples(
      'x.md',
      [
        '<!-- example: as PLATFORM_ADMIN, exit 1 -->',
        '```sh',
        'npm start            # not executed',
        'FRAGMARK_WORKERS=0 npx fragmark serve \\',
        '  --json',
        '```',
        '<!-- example: skip (needs a GPU) -->',
        '```graphql',
        'query { viewer { role } }',
        '```',
      ].join('\n'),
    );
    assert.deepEqual(
      examples.map((e) => [e.kind, e.line, e.options, e.commands]),
      [
        ['sh', 2, { as: 'PLATFORM_ADMIN', exit: 1 }, ['FRAGMARK_WORKERS=0 npx fragmark serve --json']],
        ['graphql', 8, { skip: 'needs a GPU' }, []],
      ],
    );
    assert.throws(() => extractExamples('x.md', '<!-- example: as ROOT -->\n```graphql\nquery { viewer { role } }\n```'), /unknown example option/);
    assert.throws(() => extractExamples('x.md', '<!-- example: exit 1 -->\ntext\n```sh\nfragmark jobs\n```'), /not directly above/);
  });

  test('webhook-receiver marks ts and python blocks, and a receiver that accepts a forgery fails', async () => {
    const marked = extractExamples('x.md', '<!-- example: webhook-receiver -->\n```python\nprint(1)\n```\n<!-- example: webhook-receiver -->\n```typescript\nexport {};\n```');
    assert.deepEqual(marked.map((e) => [e.kind, e.language]), [['receiver', 'python'], ['receiver', 'ts']]);
    assert.throws(() => extractExamples('x.md', '<!-- example: webhook-receiver -->\n```json\n{}\n```'), /ts or python block/);
    const lax = "import { createServer } from 'node:http';\ncreateServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()); }).listen(Number(process.env.PORT));\n";
    await assert.rejects(runWebhookReceiver({ ...marked[1]!, code: lax }, scratch), /altered body with HTTP 204/);
  });

  test('a broken example fails: unknown field, userErrors, wrong exit code', async () => {
    await assert.rejects(runGraphQL(api.url, 'query { viewer { roleRenamed } }', api.adminKey, {}), /roleRenamed/);
    await assert.rejects(runGraphQL(api.url, 'mutation { createTenant(input: { name: "" }) { userErrors { code } } }', api.adminKey, {}), /userErrors/);
    await assert.rejects(runGraphQL(api.url, 'query($nope: ID!) { job(id: $nope) { id } }', api.adminKey, {}), /\$nope/);
    await assert.rejects(runCommand('fragmark no-such-command', { cwd: scratch, env: shellBase }, 0), /exited with 2/);
  });

  test('docs/ has the three guides, each with executed examples', () => {
    for (const file of ['docs/operations.md', 'docs/verifying-attestations.md', 'docs/method.md']) {
      assert.ok(DOC_FILES.includes(file), `${file} exists`);
    }
    for (const file of ['docs/operations.md', 'docs/verifying-attestations.md']) {
      assert.ok(examplesOf(file).filter((e) => !e.options.skip).length >= 3, `${file} has executed examples`);
    }
  });
});

for (const file of [...DOC_FILES, README]) {
  describe(`examples in ${file}`, () => {
    let context: FileContext;
    before(async () => {
      context = await seedFile(file);
    });
    for (const example of examplesOf(file)) {
      const name = `${file}:${example.line} ${example.kind}${example.language ? ` (${example.language})` : ''}${example.kind === 'sh' ? `: ${example.commands[0]}` : `: ${example.code.trim().split('\n')[0]!.slice(0, 60)}`}`;
      const skip = example.options.skip ?? receiverSkip(example);
      if (skip) {
        test(name, { skip }, () => {});
        continue;
      }
      test(name, async () => {
        try {
          await runExample(example, context);
        } catch (error) {
          throw new Error(`The example at ${file}:${example.line} no longer works:\n${(error as Error).message}`);
        }
      });
    }
  });
}
