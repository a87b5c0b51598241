import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { initBackend, classifierFromModel, predictLabels, type Classifier } from '../engine/index.ts';
import { buildTinyClassifier } from '../engine/model/tiny.ts';
import { isEndpointError, type EndpointErrorCode } from './endpoint.errors.ts';
import { argmaxRows, float32Json, queryEndpointLabels, type EndpointProtocol, type EndpointTarget, type QueryOptions } from './inference-client.ts';
import { inputDigest, startInferenceServer, type InferenceServerOptions, type RunningInferenceServer } from './test-inference-server.ts';
import { EgressPolicy, egressPolicyFrom } from './egress-policy.ts';
import { loadConfig } from '../config/config.ts';

// The test servers listen on 127.0.0.1, which the egress policy refuses unless a deployment allows
// it: these tests allow it through the configuration, as production does.
const LOCAL = egressPolicyFrom(loadConfig({ FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32' }));
const sut: typeof queryEndpointLabels = (t, x, s, n, o: QueryOptions = {}) => queryEndpointLabels(t, x, s, n, { egress: LOCAL, ...o });

const PROTOCOLS: EndpointProtocol[] = ['TF_SERVING_REST', 'KSERVE_V2'];
let classifier: Classifier;
let shape: number[];
const servers: RunningInferenceServer[] = [];

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
  classifier = classifierFromModel(buildTinyClassifier({ seed: 'endpoint-client', numClasses: 4 }));
  shape = [...classifier.inputShape];
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  classifier.dispose();
});

async function serve(options: Partial<InferenceServerOptions> & { protocol: EndpointProtocol }): Promise<RunningInferenceServer> {
  const s = await startInferenceServer({ modelName: 'tiny', classifier, ...options });
  servers.push(s);
  return s;
}

/** n inputs drawn from N(0, 2), with a few awkward float32 values mixed in. */
function randomInputs(n: number, seed: number): Float32Array {
  const per = shape.reduce((a, b) => a * b, 1);
  const data = tf.tidy(() => tf.randomNormal([n, ...shape], 0, 2, 'float32', seed).dataSync() as Float32Array).slice();
  const specials = [-0, 1e-45, -1.401298464324817e-45, 3.4028234663852886e38 / 1e8, Math.fround(0.1), 123456.789, -7.5e-39];
  specials.forEach((v, i) => {
    data[(i * 37) % (n * per)] = v;
  });
  return data;
}

function localLabels(x: Float32Array): Int32Array {
  const n = x.length / shape.reduce((a, b) => a * b, 1);
  const t = tf.tensor(x, [n, ...shape], 'float32');
  try {
    return predictLabels(classifier, t);
  } finally {
    t.dispose();
  }
}

function target(server: RunningInferenceServer, protocol: EndpointProtocol, extra: Partial<EndpointTarget> = {}): EndpointTarget {
  return { url: server.url, protocol, modelName: 'tiny', ...extra };
}

async function rejectsWith(p: Promise<unknown>, code: EndpointErrorCode): Promise<import('./endpoint.errors.ts').EndpointError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isEndpointError(e), `expected EndpointError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, the query succeeded`);
}

describe('labels equal in-process predictions', () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol}: 50 N(0,2) inputs, batch sizes 1, 7, 16, 64, exact bits reach the server`, async () => {
      const x = randomInputs(50, 11);
      const expected = localLabels(x);
      assert.ok(new Set(expected).size > 1, 'inputs should exercise several classes');
      for (const batchSize of [1, 7, 16, 64]) {
        const server = await serve({ protocol });
        const t0 = performance.now();
        const result = await sut(target(server, protocol), x, shape, classifier.numClasses, { batchSize });
        const wall = performance.now() - t0;
        assert.deepEqual(Array.from(result.labels), Array.from(expected), `batch size ${batchSize}`);
        assert.equal(result.requests, Math.ceil(50 / batchSize));
        assert.equal(server.requests, result.requests);
        // The reported time is the queries' own: positive, and within the call's wall time.
        assert.ok(result.elapsedMs > 0 && result.elapsedMs <= wall, `elapsedMs ${result.elapsedMs}, wall ${wall}`);
        // Every input arrived bit-exactly (-0, subnormals included)...
        const per = shape.reduce((a, b) => a * b, 1);
        const original = Array.from({ length: 50 }, (_, i) => inputDigest(x.subarray(i * per, (i + 1) * per)));
        assert.deepEqual([...server.receivedInputDigests].sort(), [...original].sort());
        // ... in another order than the caller's.
        assert.notDeepEqual(server.receivedInputDigests, original, `batch size ${batchSize}: inputs were not shuffled`);
      }
    });
  }
});

test('no inputs: no request, empty labels', async () => {
  const server = await serve({ protocol: 'KSERVE_V2' });
  const r = await sut(target(server, 'KSERVE_V2'), new Float32Array(0), shape, classifier.numClasses);
  assert.equal(r.labels.length, 0);
  assert.equal(r.requests, 0);
  assert.equal(server.requests, 0);
});

describe('credential', () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol}: required, sent as Bearer, never in errors, 401 not retried`, async () => {
      const credential = 'sk-test-Zx81_secret';
      const server = await serve({ protocol, credential });
      const x = randomInputs(5, 3);
      const ok = await sut(target(server, protocol, { credential }), x, shape, classifier.numClasses);
      assert.deepEqual(Array.from(ok.labels), Array.from(localLabels(x)));
      const before = server.requests;
      const missing = await rejectsWith(sut(target(server, protocol), x, shape, classifier.numClasses), 'ENDPOINT_HTTP_ERROR');
      assert.equal(missing.status, 401);
      const wrongCredential = 'sk-test-wrong-value';
      const wrong = await rejectsWith(sut(target(server, protocol, { credential: wrongCredential }), x, shape, classifier.numClasses), 'ENDPOINT_HTTP_ERROR');
      assert.equal(wrong.status, 401);
      assert.equal(server.requests - before, 2, '401 is not retried');
      for (const e of [missing, wrong]) {
        assert.ok(!e.message.includes(credential) && !e.message.includes(wrongCredential));
        assert.ok(!JSON.stringify({ ...e, stack: e.stack }).includes(wrongCredential));
      }
    });
  }
});

describe('broken servers', () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol}: http-500 -> HTTP_ERROR after bounded retries`, async () => {
      const server = await serve({ protocol, behaviour: 'http-500' });
      const e = await rejectsWith(sut(target(server, protocol), randomInputs(10, 4), shape, classifier.numClasses, { retries: 2 }), 'ENDPOINT_HTTP_ERROR');
      assert.equal(e.status, 500);
      assert.equal(e.requests, 3);
      assert.equal(server.requests, 3);
      assert.match(e.message, /HTTP 500.*after 3 attempts/);
    });

    test(`${protocol}: garbage -> BAD_RESPONSE, not retried`, async () => {
      const server = await serve({ protocol, behaviour: 'garbage' });
      await rejectsWith(sut(target(server, protocol), randomInputs(10, 5), shape, classifier.numClasses), 'ENDPOINT_BAD_RESPONSE');
      assert.equal(server.requests, 1);
    });

    test(`${protocol}: wrong-shape -> BAD_RESPONSE, no partial labels`, async () => {
      const server = await serve({ protocol, behaviour: 'wrong-shape' });
      const e = await rejectsWith(sut(target(server, protocol), randomInputs(10, 6), shape, classifier.numClasses, { batchSize: 4 }), 'ENDPOINT_BAD_RESPONSE');
      assert.equal(server.requests, 1, 'stops at the first bad batch');
      assert.match(e.message, /predictions for 4 instances|shape must be \[4,4\]/);
    });

    test(`${protocol}: flaky recovers with retries; without retries it fails`, async () => {
      const server = await serve({ protocol, behaviour: 'flaky' });
      const x = randomInputs(20, 7);
      const r = await sut(target(server, protocol), x, shape, classifier.numClasses, { batchSize: 8 });
      assert.deepEqual(Array.from(r.labels), Array.from(localLabels(x)));
      assert.equal(r.requests, 6, '3 batches, each 503 once then OK');
      assert.equal(server.requests, 6);
      const e = await rejectsWith(sut(target(server, protocol), randomInputs(4, 8), shape, classifier.numClasses, { retries: 0 }), 'ENDPOINT_HTTP_ERROR');
      assert.equal(e.status, 503);
      assert.equal(e.requests, 1);
    });
  }

  test('slow -> TIMEOUT after bounded retries', async () => {
    const server = await serve({ protocol: 'TF_SERVING_REST', behaviour: 'slow', slowMs: 1500 });
    const t0 = Date.now();
    const e = await rejectsWith(sut(target(server, 'TF_SERVING_REST'), randomInputs(3, 9), shape, classifier.numClasses, { timeoutMs: 100, retries: 1 }), 'ENDPOINT_TIMEOUT');
    assert.equal(e.requests, 2);
    assert.ok(Date.now() - t0 < 1400, 'did not wait for the slow server');
    // Allowed enough time, the slow server answers correctly.
    const fast = await serve({ protocol: 'KSERVE_V2', behaviour: 'slow', slowMs: 50 });
    const x = randomInputs(3, 10);
    const r = await sut(target(fast, 'KSERVE_V2'), x, shape, classifier.numClasses, { timeoutMs: 2000 });
    assert.deepEqual(Array.from(r.labels), Array.from(localLabels(x)));
  });
});

test('unreachable port -> UNREACHABLE after bounded retries', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  const e = await rejectsWith(
    sut({ url: `http://127.0.0.1:${port}/`, protocol: 'KSERVE_V2', modelName: 'tiny' }, randomInputs(2, 1), shape, classifier.numClasses, { retries: 1 }),
    'ENDPOINT_UNREACHABLE',
  );
  assert.equal(e.requests, 2);
  assert.match(e.message, /ECONNREFUSED/);
});

describe('cancellation', () => {
  test('abort during a slow request -> CANCELLED promptly', async () => {
    const server = await serve({ protocol: 'KSERVE_V2', behaviour: 'slow', slowMs: 3000 });
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(), 100);
    await rejectsWith(sut(target(server, 'KSERVE_V2'), randomInputs(4, 2), shape, classifier.numClasses, { signal: controller.signal }), 'ENDPOINT_CANCELLED');
    assert.ok(Date.now() - t0 < 1500);
  });

  test('abort during the backoff between retries -> CANCELLED', async () => {
    const server = await serve({ protocol: 'TF_SERVING_REST', behaviour: 'http-500' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const e = await rejectsWith(
      sut(target(server, 'TF_SERVING_REST'), randomInputs(4, 2), shape, classifier.numClasses, { signal: controller.signal, retries: 5 }),
      'ENDPOINT_CANCELLED',
    );
    assert.equal(e.requests, 1);
  });

  test('already aborted -> CANCELLED without any request', async () => {
    const server = await serve({ protocol: 'TF_SERVING_REST' });
    await rejectsWith(sut(target(server, 'TF_SERVING_REST'), randomInputs(4, 2), shape, classifier.numClasses, { signal: AbortSignal.abort() }), 'ENDPOINT_CANCELLED');
    assert.equal(server.requests, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// Wire format and validation, with a scripted fetch (no server).

interface Captured {
  url: string;
  init: RequestInit;
}

function scriptedFetch(answer: (body: Record<string, unknown>, call: number) => Response): { fetch: typeof fetch; calls: Captured[] } {
  const calls: Captured[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer(JSON.parse(String(init?.body)) as Record<string, unknown>, calls.length);
  }) as typeof fetch;
  return { fetch: f, calls };
}

const json = (v: unknown, status = 200) => new Response(typeof v === 'string' ? v : JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });

describe('wire format', () => {
  const base = 'http://127.0.0.1:9/serving/prefix/';

  test('TF Serving: URL with prefix and encoded model name, Bearer header, nested instances, exact float32 text', async () => {
    const values = new Float32Array([-0, 1e-45, Math.fround(0.1), -3.4028234663852886e38, 2, 0.5]);
    const { fetch, calls } = scriptedFetch((b) => json({ predictions: (b.instances as unknown[]).map(() => [0.1, 0.7, 0.2]) }));
    const r = await sut({ url: base, protocol: 'TF_SERVING_REST', modelName: 'my model@v1', credential: 'tok' }, values, [1, 3], 3, { fetch, batchSize: 2 });
    assert.deepEqual(Array.from(r.labels), [1, 1]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.url, 'http://127.0.0.1:9/serving/prefix/v1/models/my%20model%40v1:predict');
    const headers = calls[0]!.init.headers as Record<string, string>;
    assert.equal(headers.authorization, 'Bearer tok');
    assert.equal(calls[0]!.init.redirect, 'manual');
    const sent = JSON.parse(String(calls[0]!.init.body)) as { instances: number[][][] };
    assert.equal(sent.instances.length, 2);
    const flat = sent.instances.flat(2);
    // Whatever order, every value parses back to the same float32 bits, -0 included.
    const back = new Float32Array(flat);
    assert.deepEqual(new Uint32Array(back.buffer).slice().sort(), new Uint32Array(values.buffer).slice().sort());
    assert.match(String(calls[0]!.init.body), /-0\.0/);
  });

  test('KServe: URL without trailing slash, flat row-major data, FP32 shape header', async () => {
    const values = Float32Array.from({ length: 3 * 4 }, (_, i) => i);
    const { fetch, calls } = scriptedFetch((b) => {
      const input = (b.inputs as Array<{ shape: number[]; data: number[] }>)[0]!;
      const rows = input.shape[0]!;
      // Label = first value of each row / 4 mod 2: lets us check the mapping back to caller order.
      const data = [];
      for (let r = 0; r < rows; r++) {
        const first = input.data[r * 4]!;
        data.push(...(first === 4 ? [0, 1] : [1, 0]));
      }
      return json({ outputs: [{ name: 'out', shape: [rows, 2], datatype: 'FP32', data }] });
    });
    const r = await sut({ url: 'http://127.0.0.1:9/kserve', protocol: 'KSERVE_V2', modelName: 'm' }, values, [2, 2], 2, { fetch, batchSize: 2 });
    assert.deepEqual(Array.from(r.labels), [0, 1, 0]);
    assert.equal(r.requests, 2);
    assert.equal(calls[0]!.url, 'http://127.0.0.1:9/kserve/v2/models/m/infer');
    const sent = JSON.parse(String(calls[0]!.init.body)) as { inputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }> };
    assert.equal(sent.inputs[0]!.name, 'input');
    assert.equal(sent.inputs[0]!.datatype, 'FP32');
    assert.deepEqual(sent.inputs[0]!.shape, [2, 2, 2]);
    assert.equal(sent.inputs[0]!.data.length, 8);
    assert.equal((calls[0]!.init.headers as Record<string, string>).authorization, undefined);
  });

  test('KServe: nested data and FP64 accepted', async () => {
    const { fetch } = scriptedFetch(() => json({ outputs: [{ name: 'o', shape: [1, 3], datatype: 'FP64', data: [[0, 0.3, 0.2]] }] }));
    const r = await sut({ url: 'http://127.0.0.1:9', protocol: 'KSERVE_V2', modelName: 'm' }, new Float32Array(2), [2], 3, { fetch });
    assert.deepEqual(Array.from(r.labels), [1]);
  });

  const badAnswers: Array<[string, EndpointProtocol, () => Response]> = [
    ['null score', 'TF_SERVING_REST', () => json({ predictions: [[0.1, null]] })],
    ['NaN literal', 'TF_SERVING_REST', () => json('{"predictions":[[NaN,0.5]]}')],
    ['string score', 'TF_SERVING_REST', () => json({ predictions: [['1', 0.5]] })],
    ['error object with 200', 'TF_SERVING_REST', () => json({ error: 'boom' })],
    ['too many classes', 'TF_SERVING_REST', () => json({ predictions: [[0.1, 0.5, 0.4]] })],
    ['not utf-8', 'TF_SERVING_REST', () => new Response(new Uint8Array([0xff, 0xfe, 0x7b]), { status: 200 })],
    ['huge overflow number', 'TF_SERVING_REST', () => json('{"predictions":[[1e999,0.5]]}')],
    ['FP16 datatype', 'KSERVE_V2', () => json({ outputs: [{ name: 'o', shape: [1, 2], datatype: 'FP16', data: [0, 1] }] })],
    ['two outputs', 'KSERVE_V2', () => json({ outputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [0, 1] }, { name: 'b', shape: [1, 2], datatype: 'FP32', data: [0, 1] }] })],
    ['shape lies about data', 'KSERVE_V2', () => json({ outputs: [{ name: 'o', shape: [1, 2], datatype: 'FP32', data: [0, 1, 2] }] })],
    ['wrong batch in shape', 'KSERVE_V2', () => json({ outputs: [{ name: 'o', shape: [2, 2], datatype: 'FP32', data: [0, 1, 2, 3] }] })],
    ['no outputs', 'KSERVE_V2', () => json({ model_name: 'm' })],
    ['a JSON array', 'KSERVE_V2', () => json([1, 2])],
  ];
  for (const [name, protocol, answer] of badAnswers) {
    test(`${protocol}: ${name} -> BAD_RESPONSE`, async () => {
      const { fetch, calls } = scriptedFetch(answer);
      await rejectsWith(sut({ url: 'http://127.0.0.1:9', protocol, modelName: 'm' }, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_BAD_RESPONSE');
      assert.equal(calls.length, 1);
    });
  }

  test('3xx is not followed; 429 is retried; what the server answers is never in the error', async () => {
    const { fetch: redirect } = scriptedFetch(() => new Response(null, { status: 307, headers: { location: 'http://127.0.0.2/' } }));
    const e1 = await rejectsWith(sut({ url: 'http://127.0.0.1:9', protocol: 'KSERVE_V2', modelName: 'm' }, new Float32Array(2), [2], 2, { fetch: redirect }), 'ENDPOINT_HTTP_ERROR');
    assert.equal(e1.status, 307);
    const { fetch: limited, calls } = scriptedFetch((_b, call) => (call === 1 ? json({ error: 'slow down, Bearer s3cret' }, 429) : json({ predictions: [[0, 1]] })));
    const r = await sut({ url: 'http://127.0.0.1:9', protocol: 'TF_SERVING_REST', modelName: 'm', credential: 's3cret' }, new Float32Array(2), [2], 2, { fetch: limited });
    assert.equal(calls.length, 2);
    assert.deepEqual(Array.from(r.labels), [1]);
    const { fetch: echo } = scriptedFetch(() => json({ error: 'bad token s3cret' }, 403));
    const e2 = await rejectsWith(sut({ url: 'http://127.0.0.1:9', protocol: 'TF_SERVING_REST', modelName: 'm', credential: 's3cret' }, new Float32Array(2), [2], 2, { fetch: echo }), 'ENDPOINT_HTTP_ERROR');
    assert.ok(!e2.message.includes('s3cret'));
    assert.ok(!e2.message.includes('bad token'), 'the body is not repeated');
    assert.match(e2.message, /HTTP 403 .*; 28-byte body, not recorded\)/);
  });

  test('invalid arguments -> INVALID_REQUEST before any request', async () => {
    const { fetch, calls } = scriptedFetch(() => json({}));
    const t = { url: 'http://127.0.0.1:9', protocol: 'KSERVE_V2' as const, modelName: 'm' };
    const cases: Array<Promise<unknown>> = [
      sut(t, new Float32Array([1, NaN]), [2], 2, { fetch }),
      sut(t, new Float32Array(3), [2], 2, { fetch }),
      sut(t, new Float32Array(2), [2], 1, { fetch }),
      sut(t, new Float32Array(2), [2], 2, { fetch, batchSize: 0 }),
      sut(t, new Float32Array(2), [2], 2, { fetch, timeoutMs: -1 }),
      sut({ ...t, url: 'ftp://127.0.0.1/' }, new Float32Array(2), [2], 2, { fetch }),
      sut({ ...t, url: 'http://user:pw@127.0.0.1/' }, new Float32Array(2), [2], 2, { fetch }),
      sut({ ...t, credential: 'two words' }, new Float32Array(2), [2], 2, { fetch }),
      sut({ ...t, protocol: 'GRPC' as EndpointProtocol }, new Float32Array(2), [2], 2, { fetch }),
    ];
    for (const c of cases) await rejectsWith(c, 'ENDPOINT_INVALID_REQUEST');
    assert.equal(calls.length, 0);
  });
});

test('argmax: ties go to the lowest index; float32Json round-trips', () => {
  assert.deepEqual(Array.from(argmaxRows([1, 3, 3, 0, 0, 0, -1, -2, -1], 3, 3)), [1, 0, 0]);
  const f = new Float32Array([Math.fround(Math.PI), 1e-45, -0, 16777217, 3.4028234663852886e38]);
  for (const v of f) assert.ok(Object.is(Math.fround(Number.parseFloat(float32Json(v))), v));
});

// ---------------------------------------------------------------------------------------------
// Egress policy and what errors keep (issue 16): an OPERATOR names the URL, a worker POSTs to it,
// and the error lands where every VIEWER reads it.

describe('egress policy', () => {
  test('by default no loopback address is queried, in any spelling; nothing is sent, nothing retried', async () => {
    const server = await serve({ protocol: 'KSERVE_V2' });
    const port = new URL(server.url).port;
    const spellings = [
      server.url,
      `http://2130706433:${port}`,
      `http://0x7f.1:${port}/`,
      `http://127.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://0:${port}/`,
    ];
    for (const url of spellings) {
      // No `egress` option: the default policy, which production uses without FRAGMARK_EGRESS_ALLOW.
      const e = await rejectsWith(queryEndpointLabels({ url, protocol: 'KSERVE_V2', modelName: 'tiny' }, randomInputs(2, 1), shape, classifier.numClasses), 'ENDPOINT_FORBIDDEN');
      assert.equal(e.requests ?? 0, 0, url);
      assert.match(e.message, /egress policy/);
    }
    assert.equal(server.requests, 0, 'the server never saw a request');
  });

  test('a host name is checked when connecting, on the one resolution the connection uses', async () => {
    const server = await serve({ protocol: 'TF_SERVING_REST' });
    const port = new URL(server.url).port;
    const lookups: string[] = [];
    // models.example resolves to loopback: refused at connect time, before any byte is sent.
    const toLoopback = new EgressPolicy({
      resolve: async (host) => {
        lookups.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const t = { url: `http://models.example:${port}`, protocol: 'TF_SERVING_REST' as const, modelName: 'tiny' };
    const e = await rejectsWith(queryEndpointLabels(t, randomInputs(2, 1), shape, classifier.numClasses, { egress: toLoopback }), 'ENDPOINT_FORBIDDEN');
    assert.equal(e.requests, 1, 'not retried');
    assert.equal(server.requests, 0);
    assert.deepEqual(lookups, ['models.example']);
    assert.ok(!e.message.includes('127.0.0.1'), 'the resolved address is not disclosed');

    // A name resolving to a refused and an allowed address: only the allowed one is connected to
    // (10.255.255.1 would hang), and the check is the resolution the connection uses: one lookup.
    lookups.length = 0;
    const mixed = new EgressPolicy({
      allow: loadConfig({ FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32' }).egress.allow,
      resolve: async (host) => {
        lookups.push(host);
        return [
          { address: '10.255.255.1', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ];
      },
    });
    const x = randomInputs(3, 2);
    const r = await queryEndpointLabels(t, x, shape, classifier.numClasses, { egress: mixed, timeoutMs: 3000, retries: 0 });
    assert.deepEqual(Array.from(r.labels), Array.from(localLabels(x)));
    assert.deepEqual(lookups, ['models.example'], 'resolved once, by the connection itself');
  });

  test('the allow-list opens exactly what it lists', async () => {
    const server = await serve({ protocol: 'KSERVE_V2' });
    const port = new URL(server.url).port;
    const x = randomInputs(2, 3);
    const other = egressPolicyFrom(loadConfig({ FRAGMARK_EGRESS_ALLOW: '10.0.0.0/8,127.0.0.2/32' }));
    await rejectsWith(queryEndpointLabels({ url: server.url, protocol: 'KSERVE_V2', modelName: 'tiny' }, x, shape, classifier.numClasses, { egress: other }), 'ENDPOINT_FORBIDDEN');
    const r = await queryEndpointLabels({ url: `http://2130706433:${port}`, protocol: 'KSERVE_V2', modelName: 'tiny' }, x, shape, classifier.numClasses, { egress: LOCAL });
    assert.deepEqual(Array.from(r.labels), Array.from(localLabels(x)));
  });
});

describe('what an endpoint error keeps', () => {
  const t = { url: 'http://127.0.0.1:9', protocol: 'KSERVE_V2' as const, modelName: 'm' };

  test('status code and body size only: the body of an error answer is neither stored nor shown', async () => {
    const leaked = 'root:x:0:0:root:/root:/bin/bash AKIAIOSFODNN7EXAMPLE';
    const { fetch } = scriptedFetch(() => new Response(leaked, { status: 404 }));
    const e = await rejectsWith(sut(t, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_HTTP_ERROR');
    assert.equal(e.status, 404);
    assert.ok(!e.message.includes('root:x') && !e.message.includes('AKIA'), e.message);
    assert.match(e.message, new RegExp(`HTTP 404 \\(POST http://127.0.0.1:9/v2/models/m/infer; ${leaked.length}-byte body, not recorded\\)`));
    const { fetch: huge } = scriptedFetch(() => new Response('x'.repeat(200_000), { status: 500 }));
    const e2 = await rejectsWith(sut(t, new Float32Array(2), [2], 2, { fetch: huge, retries: 0 }), 'ENDPOINT_HTTP_ERROR');
    assert.match(e2.message, /body over 65536 bytes, not recorded/);
  });

  test('a bad 2xx answer is described by its class, never echoed', async () => {
    const secret = 'internal-admin-password-hunter2';
    const answers = [
      json({ outputs: [{ name: 'o', shape: [1, 2], datatype: secret, data: [0, 1] }] }),
      json({ outputs: [{ name: 'o', shape: [secret], datatype: 'FP32', data: [0, 1] }] }),
      json({ outputs: [{ name: 'o', shape: { a: secret }, datatype: 'FP32', data: [0, 1] }] }),
      json({ error: secret }),
      json(secret),
    ];
    for (const answer of answers) {
      const { fetch } = scriptedFetch(() => answer.clone());
      const e = await rejectsWith(sut(t, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_BAD_RESPONSE');
      assert.ok(!e.message.includes('hunter2'), e.message);
    }
    const { fetch } = scriptedFetch(() => json({ outputs: [{ name: 'o', shape: [1, 2], datatype: 'INT64', data: [0, 1] }] }));
    const known = await rejectsWith(sut(t, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_BAD_RESPONSE');
    assert.match(known.message, /got INT64/, 'a known datatype name is still reported');
  });

  test('the credential is redacted from every message, wherever it appears', async () => {
    const { fetch } = scriptedFetch(() => new Response('nope', { status: 404 }));
    const credential = 'tok-3f9a7c1e';
    const e = await rejectsWith(sut({ ...t, url: `http://127.0.0.1:9/${credential}/`, credential }, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_HTTP_ERROR');
    assert.ok(!e.message.includes(credential), e.message);
    assert.match(e.message, /\[redacted\]/);
  });

  test('model names are one path segment; credentials stay out of query strings', async () => {
    const { fetch, calls } = scriptedFetch(() => json({ outputs: [{ name: 'o', shape: [1, 2], datatype: 'FP32', data: [0, 1] }] }));
    for (const modelName of ['..', '.', 'a/b', '../../admin', 'a%2Fb', 'a\\b', 'm?x=1', 'm#f', 'a\nb', '']) {
      const e = await rejectsWith(sut({ ...t, modelName }, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_INVALID_REQUEST');
      assert.match(e.message, /model name/);
    }
    for (const url of ['http://127.0.0.1:9/?api_key=abc', 'http://127.0.0.1:9/?token=abc', 'http://127.0.0.1:9/?X-Amz-Signature=abc', 'http://127.0.0.1:9/?sig=abc', 'http://127.0.0.1:9/?code=abc', 'http://127.0.0.1:9/?q=tok-123']) {
      const e = await rejectsWith(sut({ ...t, url, credential: 'tok-123' }, new Float32Array(2), [2], 2, { fetch }), 'ENDPOINT_INVALID_REQUEST');
      assert.ok(!e.message.includes('abc') && !e.message.includes('tok-123'), e.message);
    }
    assert.equal(calls.length, 0);
    const r = await sut({ ...t, url: 'http://127.0.0.1:9/?version=2', modelName: 'mnist_v2.1' }, new Float32Array(2), [2], 2, { fetch });
    assert.deepEqual(Array.from(r.labels), [1]);
    assert.equal(calls[0]!.url, 'http://127.0.0.1:9/v2/models/mnist_v2.1/infer?version=2');
  });
});

describe('binary classifiers with one output', () => {
  for (const [activation, binaryOutput] of [['sigmoid', 'SIGMOID'], ['linear', 'LOGIT']] as const) {
    for (const protocol of PROTOCOLS) {
      test(`${protocol}, ${binaryOutput}: the endpoint answers one score, labels and margins equal the engine's two classes`, async () => {
        const model = tf.sequential();
        model.add(tf.layers.flatten({ inputShape: shape }));
        model.add(tf.layers.dense({ units: 1, activation, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }));
        const binary = classifierFromModel(model);
        assert.equal(binary.binaryOutput, binaryOutput);
        const server = await serve({ protocol, classifier: binary });
        try {
          const x = randomInputs(40, 3);
          const t = tf.tensor(x, [40, ...shape], 'float32');
          const expected = predictLabels(binary, t);
          const logp = tf.tidy(() => binary.predict(t).arraySync());
          t.dispose();
          assert.ok(new Set(expected).size === 2, 'inputs should reach both classes');
          const result = await sut(target(server, protocol), x, shape, 2, { binaryOutput });
          assert.deepEqual(Array.from(result.labels), Array.from(expected));
          result.margins.forEach((m, i) => assert.ok(Math.abs(m - Math.abs(logp[i]![1]! - logp[i]![0]!)) < 1e-6, `margin ${i}`));
          // Read as a two-class model, the one-score answer is refused, never argmaxed into class 0.
          await rejectsWith(sut(target(server, protocol), x, shape, 2), 'ENDPOINT_BAD_RESPONSE');
        } finally {
          binary.dispose();
        }
      });
    }
  }
});
