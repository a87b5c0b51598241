/**
 * Job dispatch: startWatermark mutations per second (through HTTP and GraphQL, into PostgreSQL
 * and pg-boss), and the delay from startWatermark to a worker process starting the job
 * (Job.startedAt - Job.createdAt), with one real worker process idle and waiting.
 *
 *   npx tsx bench/jobs.ts [--dispatch 200] [--latency 20]
 */
import { createKey, createTenant, startTestApi, uploadFiles } from '../test/support/api.ts';
import { startTestWorker, stopTestWorker } from '../test/support/worker.ts';
import { initBackend, saveModelToFiles } from '../src/engine/index.ts';
import { buildTinyClassifier } from '../src/engine/model/tiny.ts';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const dispatchCount = arg('dispatch', 200);
const latencyCount = arg('latency', 20);

const server = await startThrowAwayDatabase();
process.env.FRAGMARK_TEST_DATABASE_URL = server.adminUrl;
const api = await startTestApi({}, { superviseIntervalSeconds: 5 });
try {
  const tenant = await createTenant(api, 'Bench');
  const key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
  await initBackend({ log: () => {} });
  const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
  const files = await saveModelToFiles(model);
  model.dispose();
  const modelId = (await api.gql(`mutation { registerModel(input: { name: "bench" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
  const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, key)).data.createModelVersion.modelVersion;
  await uploadFiles(api, key, version.uploadPath, files);
  const START = `mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 10, method: "CE_ONLY", maxSteps: 50 }) { job { id } userErrors { code } } }`;

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
  await stopTestWorker(worker);
  delays.sort((a, b) => a - b);
  const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))]!;
  console.log(`pickup: startWatermark -> worker starts, n=${delays.length}: p50 ${pct(50)} ms, p90 ${pct(90)} ms, max ${delays.at(-1)} ms (worker polls every 0.5 s)`);
} finally {
  await api.close();
  await server.stop();
}
