import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTraceparent, runInTrace } from '../tracing/trace-context.ts';
import { sendAttempt } from './webhook-sender.ts';

test("a delivery attempt sends a child span of the job's trace as traceparent, and none outside a trace", async () => {
  const received: IncomingHttpHeaders[] = [];
  const receiver = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const sut = () => sendAttempt({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{}' }, { transport: fetch, timeoutMs: 5000, redact: [] });
  try {
    const job = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')!;
    assert.equal((await runInTrace(job, sut)).delivered, true);
    assert.equal((await sut()).delivered, true);
    const sent = parseTraceparent(received[0]!.traceparent);
    assert.equal(sent?.traceId, job.traceId);
    assert.notEqual(sent?.spanId, job.spanId);
    assert.equal(received[0]!['webhook-id'], 'msg_1', 'the delivery headers are kept');
    assert.equal(received[1]!.traceparent, undefined);
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
