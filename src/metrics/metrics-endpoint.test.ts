import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { parseAllowList } from '../common/ip-addresses.ts';
import { createMetrics } from './metrics.ts';
import { metricsClientAllowed, startMetricsListener } from './metrics-endpoint.ts';

test('the allow-list admits listed clients only, IPv4 clients of a dual-stack socket included', () => {
  const allow = parseAllowList('127.0.0.1/32,::1/128,10.20.0.0/16');
  assert.equal(metricsClientAllowed('127.0.0.1', allow), true);
  assert.equal(metricsClientAllowed('::ffff:127.0.0.1', allow), true);
  assert.equal(metricsClientAllowed('::1', allow), true);
  assert.equal(metricsClientAllowed('10.20.3.4', allow), true);
  assert.equal(metricsClientAllowed('10.21.3.4', allow), false);
  assert.equal(metricsClientAllowed('::ffff:10.21.3.4', allow), false);
  assert.equal(metricsClientAllowed(undefined, allow), false);
  assert.equal(metricsClientAllowed('not an address', allow), false);
  assert.equal(metricsClientAllowed('127.0.0.1', []), false);
});

test("a worker's listener serves its own registry at /metrics, to allowed clients only", async () => {
  const metrics = createMetrics(new Registry());
  metrics.jobAttempts.inc({ kind: 'VERIFY', outcome: 'succeeded' });
  const sut = await startMetricsListener({ host: '127.0.0.1', port: 0, registry: metrics.registry, allow: parseAllowList('127.0.0.1/32') });
  const refusing = await startMetricsListener({ host: '127.0.0.1', port: 0, registry: metrics.registry, allow: parseAllowList('10.0.0.0/8') });
  try {
    const ok = await fetch(`${sut.url}/metrics`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^fragmark_job_attempts_total\{kind="VERIFY",outcome="succeeded"\} 1$/m);
    const elsewhere = await fetch(`${sut.url}/graphql`);
    assert.equal(elsewhere.status, 404);
    await elsewhere.body?.cancel();
    const refused = await fetch(`${refusing.url}/metrics`);
    assert.equal(refused.status, 404, 'a client outside the allow-list sees no such route');
    assert.doesNotMatch(await refused.text(), /fragmark_/);
  } finally {
    await sut.close();
    await refusing.close();
  }
});
