/**
 * What a Prometheus scrape of the API costs: GET /metrics (the job-queue gauges read from
 * PostgreSQL in one query, then the exposition), median and 95th percentile over `--scrapes`
 * requests, with an empty queue and then with `--backlog` ready jobs waiting in each of two
 * queues (inserted straight into pg-boss). Also the GraphQL round trip with metrics on, for scale.
 *
 *   npx tsx bench/metrics-scrape.ts [--scrapes 100] [--backlog 20000]
 */
import { PgBoss } from 'pg-boss';
import { startTestApi } from '../test/support/api.ts';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const scrapes = arg('scrapes', 100);
const backlog = arg('backlog', 20_000);

const server = await startThrowAwayDatabase();
process.env.FRAGMARK_TEST_DATABASE_URL = server.adminUrl;
const api = await startTestApi({ FRAGMARK_METRICS: 'true' });
const quantiles = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]!.toFixed(2)} ms`;
};
const time = async (n: number, request: () => Promise<Response>) => {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await request();
    await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    ms.push(performance.now() - started);
  }
  return quantiles(ms);
};
const scrape = () => fetch(`${api.url}/metrics`);
try {
  await time(10, scrape); // warm-up
  console.log(`GET /metrics, empty queue: ${await time(scrapes, scrape)}`);
  const boss = new PgBoss({ connectionString: api.database.url, schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  for (const queue of ['verify', 'webhook']) {
    for (let i = 0; i < backlog; i += 5000) {
      await boss.insert(queue, Array.from({ length: Math.min(5000, backlog - i) }, () => ({ data: { jobId: crypto.randomUUID() } })));
    }
  }
  await boss.stop({ graceful: false, close: true });
  const text = await (await scrape()).text();
  console.log(text.split('\n').filter((line) => line.startsWith('fragmark_job_queue_waiting')).join('\n'));
  console.log(`GET /metrics, ${backlog} jobs waiting in each of 2 queues: ${await time(scrapes, scrape)}`);
  const gql = () =>
    fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` }, body: '{"query":"{ viewer { __typename } }"}' });
  await time(10, gql);
  console.log(`POST /graphql { viewer }, for scale: ${await time(scrapes, gql)}`);
} finally {
  await api.close();
  await server.stop();
}
