/**
 * Job dispatch: startWatermark mutations per second (through HTTP and GraphQL, into PostgreSQL
 * and pg-boss), the delay from startWatermark to a worker process starting the job
 * (Job.startedAt - Job.createdAt), with one real worker process idle and waiting, and
 * verification throughput: `--burst` verifyModel calls sent together to one worker
 * (jobs/s from the first request to the last verdict, and the mutation's own latency).
 *
 * Last, heartbeat silence during a long generation (`--heartbeat N` triggers, 0 to skip, on the
 * model folder `--heartbeat-model DIR`, default the MNIST CNN in fixtures/mnist-cnn): the longest time pg-boss saw no heartbeat from the worker running it (heartbeat_on
 * sampled every 100 ms). Over FRAGMARK_JOB_HEARTBEAT_SECONDS (10) the job would be handed to a
 * second worker while the first still runs it.
 *
 *   npx tsx bench/jobs.ts [--dispatch 200] [--latency 20] [--burst 50] [--heartbeat 500] [--heartbeat-model fixtures/mnist-cnn]
 */
import { createKey, createTenant, startTestApi, uploadFiles } from '../test/support/api.ts';
import { startTestWorker, stopTestWorker } from '../test/support/worker.ts';
import { initBackend, saveModelToFiles } from '../src/engine/index.ts';
import { buildTinyClassifier } from '../src/engine/model/tiny.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const dispatchCount = arg('dispatch', 200);
const latencyCount = arg('latency', 20);
const burstCount = arg('burst', 50);
const heartbeatTriggers = arg('heartbeat', 500);
const heartbeatModelAt = process.argv.indexOf('--heartbeat-model');
const heartbeatModel = heartbeatModelAt >= 0 ? process.argv[heartbeatModelAt + 1]! : 'fixtures/mnist-cnn';

const server = await startThrowAwayDatabase();
process.env.FRAGMARK_TEST_DATABASE_URL = server.adminUrl;
const api = await startTestApi({}, { superviseIntervalSeconds: 5 });
try {
  const tenant = await createTenant(api, 'Bench');
  const key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
  await initBackend({ ...loadEngineOptions(), log: () => {} });
  const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
  const files = await saveModelToFiles(model);
  model.dispose();
  const modelId = (await api.gql(`mutation { registerModel(input: { name: "bench" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
  const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, key)).data.createModelVersion.modelVersion;
  await uploadFiles(api, key, version.uploadPath, files);
  const START = `mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY", maxSteps: 50, allowWeak: true }) { job { id } userErrors { code } } }`;

  // 1. Dispatch throughput, no worker running: 8 clients in parallel.
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next++ < dispatchCount) await api.gql(START, { v: version.id }, key);
  }));
  const seconds = (performance.now() - t0) / 1000;
  console.log(`dispatch: ${dispatchCount} startWatermark in ${seconds.toFixed(2)} s = ${(dispatchCount / seconds).toFixed(1)} jobs/s (8 concurrent clients)`);
  // Clear the backlog so the latency run measures an idle worker.
  await api.database.db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'watermark'`);

  // 2. Pickup latency with an idle worker process.
  const worker = await startTestWorker(api, { FRAGMARK_LOG_LEVEL: 'error' });
  const delays: number[] = [];
  for (let i = 0; i < latencyCount; i++) {
    const id = (await api.gql(START, { v: version.id }, key)).data.startWatermark.job.id;
    for (;;) {
      const job = await api.database.db.job.findUniqueOrThrow({ where: { id } });
      if (job.status === 'SUCCEEDED' || job.status === 'FAILED') {
        delays.push(job.startedAt!.getTime() - job.createdAt.getTime());
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  delays.sort((a, b) => a - b);
  console.log(`pickup: startWatermark -> worker starts, n=${delays.length}: p50 ${percentile(delays, 50)} ms, p90 ${percentile(delays, 90)} ms, max ${delays.at(-1)} ms`);

  // 3. Verification throughput: a burst of MODEL-mode verifications against one worker.
  const VERIFY = `mutation($v: ID!) { verifyModel(input: { modelVersionId: $v, mode: ARTIFACT }) { verification { id } userErrors { code } } }`;
  const mutationMs: number[] = [];
  const b0 = performance.now();
  const ids = await Promise.all(Array.from({ length: burstCount }, async () => {
    const m0 = performance.now();
    const answer = await api.gql(VERIFY, { v: version.id }, key);
    if (!answer.data?.verifyModel?.verification) throw new Error(`verifyModel failed: ${JSON.stringify(answer)}`);
    mutationMs.push(performance.now() - m0);
    return answer.data.verifyModel.verification.id as string;
  }));
  for (;;) {
    const pending = await api.database.db.verification.count({ where: { id: { in: ids }, verdict: 'PENDING' } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const burstSeconds = (performance.now() - b0) / 1000;
  const runs = await api.database.db.job.findMany({ where: { verification: { id: { in: ids } } } });
  const runMs = runs.map((j) => j.finishedAt!.getTime() - j.startedAt!.getTime()).sort((a, b) => a - b);
  mutationMs.sort((a, b) => a - b);
  console.log(`verify burst: ${burstCount} verifyModel at once -> ${(burstCount / burstSeconds).toFixed(1)} jobs/s (${burstSeconds.toFixed(2)} s); verifyModel p50 ${percentile(mutationMs, 50).toFixed(0)} ms; each job runs p50 ${percentile(runMs, 50)} ms`);

  // 4. Heartbeat silence while the worker generates a large trigger set.
  if (heartbeatTriggers > 0) {
    const bigFiles = new Map<string, Uint8Array>();
    for (const name of (await readdir(heartbeatModel)).filter((n) => n === "model.json" || n.endsWith(".bin"))) bigFiles.set(name, new Uint8Array(await readFile(path.join(heartbeatModel, name))));
    const bigVersion = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "big" }) { modelVersion { id uploadPath } } }`, { m: modelId }, key)).data.createModelVersion.modelVersion;
    await uploadFiles(api, key, bigVersion.uploadPath, bigFiles);
    const started = (await api.gql(`mutation($v: ID!, $n: Int!) { startWatermark(input: { modelVersionId: $v, triggerCount: $n, allowWeak: true }) { job { id } } }`, { v: bigVersion.id, n: heartbeatTriggers }, key)).data.startWatermark.job.id as string;
    let longest = 0;
    const h0 = performance.now();
    for (;;) {
      const job = await api.database.db.job.findUniqueOrThrow({ where: { id: started } });
      if (job.status !== 'QUEUED' && job.status !== 'RUNNING') {
        console.log(`heartbeat: ${heartbeatTriggers}-trigger generation on ${heartbeatModel} ${job.status} in ${((performance.now() - h0) / 1000).toFixed(1)} s; longest heartbeat silence ${(longest / 1000).toFixed(1)} s (attempts ${job.attempts})`);
        break;
      }
      const rows = await api.database.db.$queryRawUnsafe<Array<{ silence: number | null }>>(
        `SELECT EXTRACT(EPOCH FROM (now() - heartbeat_on)) * 1000 AS silence FROM pgboss.job WHERE id = $1::uuid AND state = 'active'`,
        started,
      );
      if (rows[0]?.silence != null) longest = Math.max(longest, Number(rows[0].silence));
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stopTestWorker(worker);
} finally {
  await api.close();
  await server.stop();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
