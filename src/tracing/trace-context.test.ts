import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childSpan, continueTrace, currentTrace, formatTraceparent, newTrace, outboundTraceHeaders, parseTraceparent, runInTrace } from './trace-context.ts';

const EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('parses the specification example and writes it back unchanged', () => {
  const sut = parseTraceparent(EXAMPLE);
  assert.deepEqual(sut, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 });
  assert.equal(formatTraceparent(sut!), EXAMPLE);
  assert.deepEqual(parseTraceparent(`  ${EXAMPLE}\t`), sut, 'surrounding whitespace is allowed');
});

test('refuses what the specification says to ignore', () => {
  const invalid = [
    undefined,
    '',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', // no flags
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
    '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', // version 00 has exactly four fields
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // version ff is forbidden
    '0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01',
    `${EXAMPLE}${' '.repeat(600)}`, // past the length limit
  ];
  for (const value of invalid) assert.equal(parseTraceparent(value), null, String(value));
  assert.equal(parseTraceparent([EXAMPLE, EXAMPLE]), null, 'repeated headers');
});

test('a later version is read by its first four fields', () => {
  assert.deepEqual(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future-field'), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    flags: 0,
  });
  assert.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00x'), null);
});

test('new traces and child spans are well formed; a child keeps the trace id and flags', () => {
  const root = newTrace();
  assert.deepEqual(parseTraceparent(formatTraceparent(root)), root);
  const sut = childSpan(root);
  assert.equal(sut.traceId, root.traceId);
  assert.equal(sut.flags, root.flags);
  assert.notEqual(sut.spanId, root.spanId);
  assert.equal(continueTrace(EXAMPLE).traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.notEqual(continueTrace('garbage').traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
});

test('the current trace follows async work, and outbound headers carry a child span of it', async () => {
  assert.equal(currentTrace(), undefined);
  assert.deepEqual(outboundTraceHeaders(), {});
  const trace = parseTraceparent(EXAMPLE)!;
  await runInTrace(trace, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(currentTrace(), trace);
    const sent = parseTraceparent(outboundTraceHeaders().traceparent)!;
    assert.equal(sent.traceId, trace.traceId);
    assert.notEqual(sent.spanId, trace.spanId);
  });
  assert.equal(currentTrace(), undefined);
});
