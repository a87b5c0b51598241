/**
 * Verification throughput and history latency:
 * 1. artifact verifications per second, model cached (engine verifyClassifier, 100 triggers,
 *    reference MNIST CNN, wasm), and with the full per-job work (unseal + decode + load + verify);
 * 2. attestation tokens signed and verified per second (Ed25519, jose);
 * 3. `verifications` history query latency (HTTP + GraphQL + PostgreSQL) with 10,000 stored.
 *
 *   npx tsx bench/verification.ts [--history 10000] [--queries 200]
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeTriggerSet,
  encodeTriggerSet,
  generateTriggers,
  initBackend,
  loadClassifierFromFiles,
  verifyClassifier,
} from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { generateSigningKey } from '../src/attestations/crypto/signing-keys.ts';
import { signAttestation, verifyAttestation, type AttestationClaims } from '../src/attestations/crypto/attestation-token.ts';
import { buildJwks } from '../src/attestations/crypto/signing-keys.ts';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { createTenant, startTestApi } from '../test/support/api.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const historySize = arg('history', 10_000);
const queryCount = arg('queries', 200);
const rate = (n: number, ms: number) => `${((n / ms) * 1000).toFixed(1)}/s (${(ms / n).toFixed(2)} ms each)`;

// 1. Artifact verification.
const backend = await initBackend({ ...loadEngineOptions(), log: () => {} });
const fixture = fileURLToPath(new URL('../fixtures/mnist-cnn', import.meta.url));
const files = new Map<string, Uint8Array>();
for (const name of await readdir(fixture)) files.set(name, new Uint8Array(await readFile(path.join(fixture, name))));
const classifier = await loadClassifierFromFiles(files);
const { triggerSet } = await generateTriggers(classifier, { loss: { kind: 'CE_ONLY' }, count: 100 });
const sealed = encodeTriggerSet(triggerSet);
let t = performance.now();
const cachedRuns = 50;
for (let i = 0; i < cachedRuns; i++) verifyClassifier(classifier, triggerSet);
console.log(`artifact verification, model cached (${backend.choice}): ${rate(cachedRuns, performance.now() - t)}`);
t = performance.now();
const coldRuns = 10;
for (let i = 0; i < coldRuns; i++) {
  const c = await loadClassifierFromFiles(files);
  verifyClassifier(c, decodeTriggerSet(sealed));
  c.dispose();
}
console.log(`artifact verification, load + decode each time: ${rate(coldRuns, performance.now() - t)}`);

// 2. Tokens.
const key = await generateSigningKey();
const jwks = buildJwks([key.publicJwk]);
const claims: AttestationClaims = {
  tenant: '01a2139a-29ae-70e8-8c2c-1ce3d8b27f4b',
  model: { id: '01a2139a-29ae-70e8-8c2c-1ce3d8b27f4c', name: 'digits', version: '1.0.0', digest: 'a'.repeat(64) },
  watermark: { id: '01a2139a-29ae-70e8-8c2c-1ce3d8b27f4d', scheme: 'fragmark-fragile-trigger/1', commitment: 'b'.repeat(64) },
  verification: { id: '01a2139a-29ae-70e8-8c2c-1ce3d8b27f4e', mode: 'ARTIFACT', triggersQueried: 100, triggersMatched: 100, accTri: 1, policy: { kind: 'strict' }, verdict: 'intact' },
};
const tokenRuns = 2000;
const tokens: string[] = [];
t = performance.now();
for (let i = 0; i < tokenRuns; i++) {
  tokens.push((await signAttestation(key, claims, { issuer: 'https://fragmark.example', modelVersionId: claims.model.id, ttlSeconds: 3600 })).token);
}
console.log(`tokens signed: ${rate(tokenRuns, performance.now() - t)}`);
t = performance.now();
for (const token of tokens) await verifyAttestation(token, jwks, { issuer: 'https://fragmark.example' });
console.log(`tokens verified: ${rate(tokenRuns, performance.now() - t)}`);

// 3. History latency.
const server = await startThrowAwayDatabase();
process.env.FRAGMARK_TEST_DATABASE_URL = server.adminUrl;
const api = await startTestApi();
try {
  const tenant = await createTenant(api, 'History');
  const db = api.database.db;
  const models = await Promise.all(Array.from({ length: 20 }, (_, i) => db.model.create({ data: { tenantId: tenant.id, name: `m${i}` } })));
  const versions = await Promise.all(models.map((m) => db.modelVersion.create({ data: { tenantId: tenant.id, modelId: m.id, label: '1' } })));
  const job = await db.job.create({ data: { id: crypto.randomUUID(), tenantId: tenant.id, kind: 'WATERMARK', status: 'SUCCEEDED' } });
  const watermark = await db.watermark.create({
    data: { tenantId: tenant.id, modelVersionId: versions[0]!.id, jobId: job.id, scheme: 's', method: 'CE_ONLY', triggerCount: 100, parameters: {}, policy: { kind: 'strict' }, status: 'READY' },
  });
  const verdicts = ['INTACT', 'INTACT', 'INTACT', 'TAMPERED', 'ERROR'] as const;
  for (let start = 0; start < historySize; start += 1000) {
    await db.verification.createMany({
      data: Array.from({ length: Math.min(1000, historySize - start) }, (_, i) => ({
        tenantId: tenant.id,
        modelVersionId: versions[(start + i) % versions.length]!.id,
        watermarkId: watermark.id,
        mode: 'ARTIFACT' as const,
        verdict: verdicts[(start + i) % verdicts.length]!,
        triggersQueried: 100,
        triggersMatched: 100,
        accTri: 1,
        policy: { kind: 'strict' },
        createdAt: new Date(Date.now() - (historySize - start - i) * 60_000),
      })),
    });
  }
  await db.$executeRawUnsafe('ANALYZE "Verification"');
  const queries = [
    `{ verifications(first: 50) { totalCount edges { cursor node { id verdict accTri createdAt } } } }`,
    `query($v: ID!) { verifications(first: 50, filter: { modelVersionId: $v, verdict: TAMPERED }) { totalCount edges { node { id createdAt } } } }`,
    `query($since: DateTime!) { verifications(first: 50, filter: { since: $since }) { totalCount edges { node { id } } } }`,
    `{ models(first: 20) { edges { node { name latestVerification { verdict } verificationCounts { intact tampered error } } } } }`,
  ];
  const latencies: number[] = [];
  for (let i = 0; i < queryCount; i++) {
    const started = performance.now();
    const result = await api.gql(queries[i % queries.length]!, { v: versions[i % versions.length]!.id, since: new Date(Date.now() - 86_400_000 * 3).toISOString() }, tenant.adminKey);
    latencies.push(performance.now() - started);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`history queries with ${historySize} verifications stored, n=${queryCount} (4 query shapes): p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
} finally {
  await api.close();
  await server.stop();
}
