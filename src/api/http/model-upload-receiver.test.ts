import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { computeWeightsDigest, initBackend, loadClassifierFromFiles, saveModelToFiles, type BackendChoice } from '../../engine/index.ts';
import { buildTinyClassifier } from '../../engine/model/tiny.ts';
import { listFiles } from '../../../test/support/files.ts';
import { ARTIFACT_ERROR_HTTP_STATUS, ArtifactError } from '../../registry/artifacts/artifact.errors.ts';
import type { ArtifactManifest } from '../../registry/artifacts/artifact-manifest.ts';
import { modelArtifactsInFolder } from '../../registry/artifacts/open-artifact-store.ts';
import type { ModelArtifacts } from '../../registry/artifacts/model-artifacts.ts';
import { FLOAT, floatTensor, model, node, valueInfo } from '../../engine/model/formats/onnx/testing/build-onnx.ts';
import { receiveModelUpload as sut } from './model-upload-receiver.ts';
import { validateModelFiles, type ValidatedArtifact } from '../../registry/artifacts/model-validation.ts';

const FIXTURE = path.join(import.meta.dirname, '../../../fixtures/mnist-cnn');
const MNIST_DIGEST = '12257307c1297f52d82e058fdb6e0ef0b64251c13a0ef4116bd28245854186b8';
/** input [batch, 4] -> Gemm -> Gelu: Gelu entered the default domain at opset 20. */
const GELU_GRAPH = {
  nodes: [node('Gemm', ['input', 'W'], ['z'], [{ name: 'transB', i: 1 }]), node('Gelu', ['z'], ['output'])],
  initializers: [floatTensor('W', [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0.5])],
  inputs: [valueInfo('input', FLOAT, ['batch', 4])],
  outputs: [valueInfo('output', FLOAT, ['batch', 3])],
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const enc = (s: string) => new Uint8Array(Buffer.from(s));

type Files = Array<[string, Uint8Array]>;

const mnist = (): Files => [
  ['model.json', new Uint8Array(readFileSync(path.join(FIXTURE, 'model.json')))],
  ['weights.bin', new Uint8Array(readFileSync(path.join(FIXTURE, 'weights.bin')))],
];

function withModelJson(files: Files, edit: (json: Record<string, unknown>) => void): Files {
  return files.map(([name, bytes]) => {
    if (name !== 'model.json') return [name, bytes];
    const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
    edit(json);
    return [name, enc(JSON.stringify(json))];
  });
}

interface Reply {
  status: number;
  body: (ValidatedArtifact & { code?: undefined }) | { code: string; message: string };
}

describe('receiveModelUpload over real HTTP', () => {
  let root: string;
  let store: ModelArtifacts;
  let server: http.Server;
  let base: string;
  let settled = 0; // upload requests the handler has finished with

  before(async () => {
    await initBackend();
    root = await mkdtemp(path.join(os.tmpdir(), 'fragmark-upload-'));
    store = modelArtifactsInFolder(root);
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && url.pathname === '/ping') return reply(200, { ok: true });
      try {
        const quota = url.searchParams.get('quotaBytesLeft');
        const limits = {
          maxTotalBytes: Number(url.searchParams.get('maxTotalBytes') ?? 10_000_000),
          maxFiles: Number(url.searchParams.get('maxFiles') ?? 8),
          maxModelJsonBytes: Number(url.searchParams.get('maxModelJsonBytes') ?? 1_000_000),
          maxModelParameters: Number(url.searchParams.get('maxModelParameters') ?? 1_000_000),
          quotaBytesLeft: quota === null ? undefined : Number(quota),
          backend: (url.searchParams.get('backend') ?? undefined) as BackendChoice | undefined,
        };
        const received = await sut(req, store, limits);
        try {
          await received.store();
        } finally {
          await received.discard();
        }
        const { store: _store, discard: _discard, ...validated } = received;
        reply(201, validated);
      } catch (error) {
        if (error instanceof ArtifactError) reply(ARTIFACT_ERROR_HTTP_STATUS[error.code], { code: error.code, message: error.message });
        else reply(500, { code: 'INTERNAL', message: String(error) });
      } finally {
        settled += 1;
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  function form(files: Files, extra: (fd: FormData) => void = () => {}): FormData {
    const fd = new FormData();
    for (const [name, bytes] of files) fd.append('file', new Blob([bytes]), name);
    extra(fd);
    return fd;
  }

  async function send(body: FormData | { raw: string; type: string }, query = '', stream = false): Promise<Reply> {
    let init: RequestInit & { duplex?: 'half' } = { method: 'PUT', body: body instanceof FormData ? body : body.raw };
    if (!(body instanceof FormData)) init.headers = { 'content-type': body.type };
    if (stream && body instanceof FormData) {
      // Chunked transfer, no Content-Length: the limit must be enforced while streaming.
      const encoded = new Response(body);
      init = { method: 'PUT', body: encoded.body, headers: { 'content-type': encoded.headers.get('content-type')! }, duplex: 'half' };
    }
    const res = await fetch(`${base}/upload${query}`, init);
    return { status: res.status, body: (await res.json()) as Reply['body'] };
  }

  async function upload(files: Files, query = ''): Promise<ValidatedArtifact> {
    const reply = await send(form(files), query);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body as ValidatedArtifact;
  }

  /** Sends a bad upload and checks the code, that nothing was stored or left staged, and that the server still answers. */
  async function expectRefused(body: FormData | { raw: string; type: string }, code: string, message: RegExp, query = '', stream = false) {
    const blobsBefore = await listFiles(path.join(root, 'sha256'));
    const reply = await send(body, query, stream);
    assert.equal(reply.body.code, code, JSON.stringify(reply.body));
    assert.equal(reply.status, ARTIFACT_ERROR_HTTP_STATUS[code as ArtifactError['code']]);
    const msg = (reply.body as { message: string }).message;
    assert.match(msg, message);
    assert.ok(!msg.includes(root) && !msg.includes(os.tmpdir()), msg);
    assert.deepEqual(await listFiles(path.join(root, 'sha256')), blobsBefore, 'no blob stored');
    assert.deepEqual(await listFiles(path.join(root, 'staging')), [], 'staging is empty');
    assert.equal((await fetch(`${base}/ping`)).status, 200);
  }

  let mnistManifest: ArtifactManifest;

  it('uploads a TF.js Graph model folder: the format is detected and recorded with its layout', async () => {
    const dir = path.join(import.meta.dirname, '../../../test/fixtures/tfjs-graph/small-cnn');
    const files: Files = readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(path.join(dir, name)))]);
    const result = await upload(files);
    assert.equal(result.format, 'TFJS_GRAPH');
    assert.equal(result.inputLayout, 'NHWC');
    assert.deepEqual(result.inputShape, [28, 28, 1]);
    assert.equal(result.numClasses, 10);
  });

  it('uploads and validates the MNIST fixture', async () => {
    const files = mnist();
    const result = await upload(files);
    assert.deepEqual(result.inputShape, [28, 28, 1]);
    assert.equal(result.numClasses, 10);
    assert.equal(result.format, 'TFJS_LAYERS');
    assert.equal(result.inputLayout, 'NHWC');
    assert.equal(result.weightsDigest, MNIST_DIGEST);
    const direct = await loadClassifierFromFiles(new Map(files));
    assert.equal(result.weightsDigest, computeWeightsDigest(direct));
    direct.dispose();
    assert.deepEqual(
      result.manifest.files,
      files.map(([name, bytes]) => ({ name, sha256: sha(bytes), size: bytes.byteLength })),
    );
    assert.equal(result.manifest.totalBytes, files[0]![1].byteLength + files[1]![1].byteLength);
    for (const [, bytes] of files) assert.equal(await store.has(sha(bytes)), true);
    assert.deepEqual(await listFiles(path.join(root, 'staging')), []);
    mnistManifest = result.manifest;
  });

  it('validates on the configured backend (FRAGMARK_TF_BACKEND, passed by the caller): one that cannot load fails the upload', async () => {
    const nodeInstalled = await import('@tensorflow/tfjs-node' as string).then(() => true, () => false);
    if (nodeInstalled) return;
    const refused = await send(form(mnist()), '?backend=node');
    assert.equal(refused.status, 500);
    assert.match((refused.body as { message: string }).message, /FRAGMARK_TF_BACKEND=node was requested but that backend could not be loaded/);
    assert.equal((await upload(mnist(), '?backend=wasm')).weightsDigest, MNIST_DIGEST);
  });

  it('stores an identical upload once and returns the same manifest', async () => {
    const blobs = await listFiles(path.join(root, 'sha256'));
    const again = await upload(mnist());
    assert.deepEqual(again.manifest, mnistManifest);
    assert.equal(again.weightsDigest, MNIST_DIGEST);
    assert.deepEqual(await listFiles(path.join(root, 'sha256')), blobs);
  });

  it('reads an artifact back and detects a flipped byte', async () => {
    const read = await store.readArtifact(mnistManifest);
    for (const [name, bytes] of mnist()) assert.deepEqual(read.get(name), bytes);
    const w = mnistManifest.files.find((f) => f.name === 'weights.bin')!;
    const blob = path.join(root, 'sha256', w.sha256.slice(0, 2), w.sha256);
    const flipped = new Uint8Array(readFileSync(blob));
    flipped[1234]! ^= 0x01;
    await writeFile(blob, flipped);
    await assert.rejects(store.readArtifact(mnistManifest), (e: unknown) => e instanceof ArtifactError && e.code === 'ARTIFACT_CORRUPT');
    await upload(mnist()); // re-uploading the same model repairs the blob
    assert.equal((await store.readArtifact(mnistManifest)).size, 2);
  });

  it('uploads a tiny model split into two shards, with the digest the engine computes directly', async () => {
    const model = buildTinyClassifier({ seed: 'upload-test' });
    const saved = await saveModelToFiles(model);
    const expectedDigest = computeWeightsDigest(model);
    model.dispose();
    const weights = saved.get('weights.bin')!;
    const cut = Math.floor(weights.byteLength / 2);
    const files = withModelJson([['model.json', saved.get('model.json')!]], (json) => {
      (json.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    });
    files.push(['group1-shard1of2.bin', weights.slice(0, cut)], ['group1-shard2of2.bin', weights.slice(cut)]);
    const result = await upload(files);
    assert.deepEqual(result.inputShape, [8, 8, 1]);
    assert.equal(result.numClasses, 3);
    assert.equal(result.weightsDigest, expectedDigest);
    assert.deepEqual(
      result.manifest.files.map((f) => f.name),
      ['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json'],
    );
  });

  it('validates in memory without leaking tensors, on success and on failure', async () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const twoHeads = tf.model({ inputs: input, outputs: [a, b] });
    const twoHeadFiles = await saveModelToFiles(twoHeads);
    twoHeads.dispose();

    const before = tf.memory().numTensors;
    const ok = await validateModelFiles(new Map(mnist()), {});
    assert.equal(ok.weightsDigest, MNIST_DIGEST);
    await assert.rejects(validateModelFiles(twoHeadFiles, {}), (e: unknown) => e instanceof ArtifactError && e.code === 'INVALID_MODEL');
    assert.equal(tf.memory().numTensors, before);
  });

  it('refuses an upload over the byte budget, decided from Content-Length', async () => {
    await expectRefused(form(mnist()), 'UPLOAD_TOO_LARGE', /larger than allowed/, '?maxTotalBytes=100');
  });

  it('refuses an upload over the byte budget while streaming (with and without Content-Length)', async () => {
    await expectRefused(form(mnist()), 'UPLOAD_TOO_LARGE', /larger than allowed/, '?maxTotalBytes=50000');
    await expectRefused(form(mnist()), 'UPLOAD_TOO_LARGE', /larger than allowed/, '?maxTotalBytes=50000', true);
    // The budget is over all files together: each file alone fits.
    await expectRefused(form(mnist()), 'UPLOAD_TOO_LARGE', /larger than allowed/, '?maxTotalBytes=60000', true);
  });

  it('refuses truncated and padded shards before TF.js', async () => {
    const [json, weights] = mnist();
    await expectRefused(form([json!, ['weights.bin', weights![1].slice(0, -4)]]), 'INVALID_MODEL', /hold 58148 bytes but its weights need 58152: a file is truncated/);
    await expectRefused(form([json!, ['weights.bin', new Uint8Array([...weights![1], 0])]]), 'INVALID_MODEL', /a file is padded/);
  });

  it('refuses a missing shard, an extra file and a missing model.json', async () => {
    const [json, weights] = mnist();
    await expectRefused(form([json!]), 'INVALID_MODEL', /"weights\.bin" listed in model\.json was not uploaded/);
    await expectRefused(form([...mnist(), ['notes.txt', enc('hi')]]), 'INVALID_MODEL', /"notes\.txt" is not listed in model\.json/);
    await expectRefused(form([weights!]), 'INVALID_MODEL', /no model found in the upload \(weights\.bin\); supported: an ONNX file/);
  });

  it('refuses a model whose one example does not fit the engine memory budget (measured, not guessed)', async () => {
    const onnx = new Map([['cnn.onnx', new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../../test/fixtures/onnx/mnist/cnn.onnx')))]]);
    const fits = await validateModelFiles(onnx, { maxParameters: 1e6, memoryBudgetMb: 64 });
    assert.equal(fits.format, 'ONNX');
    await assert.rejects(
      validateModelFiles(onnx, { maxParameters: 1e6, memoryBudgetMb: 0.01 }),
      (e: unknown) => e instanceof ArtifactError && e.code === 'INVALID_MODEL' && /too large to check: .*needs [0-9.]+ MB of tensors for one input/.test(e.message),
    );
  });

  it('refuses an ONNX model that onnxruntime cannot run, though the interpreter could (Gelu before opset 20)', async () => {
    const gelu = model({ ...GELU_GRAPH, opset: 17 });
    await assert.rejects(
      validateModelFiles(new Map([['gelu.onnx', gelu]]), { maxParameters: 1e6 }),
      (e: unknown) => e instanceof ArtifactError && e.code === 'INVALID_MODEL' && /onnxruntime, the runtime ONNX deployments serve with, cannot run this model: .*No Op registered for Gelu/.test(e.message),
    );
    const accepted = await validateModelFiles(new Map([['gelu.onnx', model({ ...GELU_GRAPH, opset: 20 })]]), { maxParameters: 1e6 });
    assert.equal(accepted.format, 'ONNX');
  });

  it('refuses model formats the engine cannot run, naming them and how to convert, and several loose files', async () => {
    await expectRefused(form([['resnet18.pt', new Uint8Array([0x80, 0x02, 0x8a])]]), 'INVALID_MODEL', /resnet18\.pt is a PyTorch checkpoint.*torch\.onnx\.export/);
    await expectRefused(form([['saved_model.pb', new Uint8Array([0x08, 0x01])]]), 'INVALID_MODEL', /TensorFlow SavedModel.*tensorflowjs_converter/);
    await expectRefused(
      form([['a.onnx', enc('x')], ['b.onnx', enc('y')]]),
      'INVALID_MODEL',
      /holds 2 files \("a\.onnx", "b\.onnx"\) and no model\.json: upload a TF\.js model folder .* or exactly one model file/,
    );
  });

  it('refuses bad JSON and models that are not Layers classifiers', async () => {
    const [, weights] = mnist();
    await expectRefused(form([['model.json', enc('{"modelTopology": ')], weights!]), 'INVALID_MODEL', /not valid UTF-8 JSON/);
    await expectRefused(form(withModelJson(mnist(), (j) => delete j.weightsManifest)), 'INVALID_MODEL', /no weightsManifest/);
    const graph = enc(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await expectRefused(form([['model.json', graph]]), 'INVALID_MODEL', /could not be loaded: /);
    const other = enc(JSON.stringify({ format: 'keras-config', modelTopology: {}, weightsManifest: [] }));
    await expectRefused(form([['model.json', other]]), 'INVALID_MODEL', /not a TF\.js model \(format "keras-config"; "layers-model" and "graph-model" are supported\)/);
    await expectRefused(
      form(withModelJson(mnist(), (j) => ((j.weightsManifest as Array<{ weights: Array<{ dtype: string }> }>)[0]!.weights[0]!.dtype = 'string'))),
      'INVALID_MODEL',
      /unsupported dtype "string"/,
    );

    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const twoHeads = tf.model({ inputs: input, outputs: [a, b] });
    const files = await saveModelToFiles(twoHeads);
    twoHeads.dispose();
    await expectRefused(form([...files]), 'INVALID_MODEL', /could not be loaded: a classifier has exactly one input and one output/);
  });

  it('refuses unsafe file names', async () => {
    const [json, weights] = mnist();
    for (const bad of ['../x', '../../etc/passwd', '/abs.bin', 'a\\b.bin', 'sp ace.bin']) {
      await expectRefused(form([json!, weights!, [bad, enc('x')]]), 'INVALID_UPLOAD', /Refused file name/);
    }
  });

  it('refuses a request that is not multipart/form-data', async () => {
    await expectRefused({ raw: JSON.stringify({ model: 1 }), type: 'application/json' }, 'INVALID_UPLOAD', /multipart\/form-data/);
    await expectRefused({ raw: 'x', type: 'multipart/form-data' }, 'INVALID_UPLOAD', /boundary/);
  });

  it('refuses non-file fields, duplicate names, too many files and a malformed body', async () => {
    await expectRefused(form(mnist(), (fd) => fd.append('version', 'v1')), 'INVALID_UPLOAD', /form field that is not a file/);
    const [json, weights] = mnist();
    await expectRefused(form([json!, weights!, weights!]), 'INVALID_UPLOAD', /"weights\.bin" was sent twice/);
    await expectRefused(form(mnist()), 'INVALID_UPLOAD', /more than 1 files/, '?maxFiles=1');
    const boundary = 'xyz';
    const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.json"\r\n\r\n{"a":`;
    await expectRefused({ raw: truncated, type: `multipart/form-data; boundary=${boundary}` }, 'INVALID_UPLOAD', /malformed/);
    await expectRefused({ raw: `--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` }, 'INVALID_UPLOAD', /holds no files/);
  });

  it('cleans up when the client aborts mid-upload', async () => {
    const before = settled;
    const blobsBefore = await listFiles(path.join(root, 'sha256'));
    const boundary = 'abort-boundary';
    const req = http.request(`${base}/upload`, { method: 'PUT', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    req.on('error', () => {});
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="weights.bin"\r\n\r\n`);
    req.write(Buffer.alloc(20_000, 7));
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    for (let i = 0; i < 100 && settled === before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, before + 1, 'the handler finished');
    assert.deepEqual(await listFiles(path.join(root, 'staging')), []);
    assert.deepEqual(await listFiles(path.join(root, 'sha256')), blobsBefore);
  });

  it('still accepts a good upload after all the failures', async () => {
    const again = await upload(mnist(), '?maxFiles=2&maxTotalBytes=' + mnistManifest.totalBytes); // limits are inclusive
    assert.deepEqual(again.manifest, mnistManifest);
  });
});
