/**
 * A real local inference server (node:http on 127.0.0.1, port 0) serving an engine classifier over
 * TF Serving REST predict or KServe v2 / Open Inference Protocol, for tests, the demo and
 * benchmarks. It is faithful on the happy path (inputs parsed into float32, scores written as the
 * exact float32 values) and strict on input: wrong path or model name -> 404, wrong or missing
 * credential -> 401, wrong method -> 405, body over the size limit -> 413, malformed body -> 400.
 *
 * `behaviour` simulates broken servers:
 * - `http-500`: every inference request answers 500.
 * - `garbage`: 200 with a body that is not JSON.
 * - `wrong-shape`: 200 with valid JSON holding one prediction row too many.
 * - `slow`: answers correctly after `slowMs` (default 2000 ms).
 * - `flaky`: the first request carrying a given batch (same body bytes) answers 503, a repeat succeeds.
 *
 * Serving stacks, for enrollment and false-alarm tests (issue 15): `numerics` runs the model the
 * way a GPU would in TF32, FP16 or BF16 (the engine's emulation, src/engine/serving); `inputRange`
 * clips every input value into [min, max] as image endpoints do; `inputEncoding: 'UINT8'` takes
 * 8-bit levels (KServe v2 `UINT8` tensors, TF Serving integer instances) and scales them to the
 * range in float32, as a server computing `x.float() / 255` does.
 *
 * Not for production: no TLS, no concurrency limits beyond Node's defaults.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { emulateNumerics, onnxRuntimeLabels, type Classifier, type Numerics } from '../engine/index.ts';
import { float32Json, PROTOCOL_CODECS, RequestRefused, type EndpointProtocol, type ServedInput, type ServedRequest } from './protocols/index.ts';

export type InferenceServerBehaviour = 'normal' | 'http-500' | 'garbage' | 'wrong-shape' | 'slow' | 'flaky';

export interface InferenceServerOptions {
  protocol: EndpointProtocol;
  modelName: string;
  classifier: Classifier;
  /** When set, requests must carry `Authorization: Bearer <credential>`. */
  credential?: string;
  behaviour?: InferenceServerBehaviour;
  /** Delay of the `slow` behaviour, default 2000 ms. */
  slowMs?: number;
  host?: '127.0.0.1';
  /** Request body limit, default 16 MiB. */
  maxBodyBytes?: number;
  /** Most instances per request, default 1024. */
  maxBatch?: number;
  /** Numerics the model runs in (default FP32: TF.js float32). */
  numerics?: Numerics;
  /** Clip every input value into this range before inference. */
  inputRange?: { min: number; max: number };
  /** UINT8: inputs are 8-bit levels of `inputRange` (default [0, 1]); FLOAT32 (default): float values. */
  inputEncoding?: 'FLOAT32' | 'UINT8';
  /** Serve https with this key and certificate (PEM) instead of http. */
  tls?: { key: string; cert: string };
  /**
   * Answer with onnxruntime-node running these ONNX bytes (the classifier then only gives shapes):
   * another runtime than the engine's, as an ONNX deployment (Triton, KServe) serves the model.
   */
  onnxRuntime?: Uint8Array;
}

export interface RunningInferenceServer {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  readonly url: string;
  /** HTTP requests received so far (all routes and outcomes). */
  readonly requests: number;
  /** The `traceparent` header of every request that carried one, in order (W3C trace context). */
  readonly traceparents: readonly string[];
  /**
   * `inputDigest` of every distinct input that reached inference, in the order the server first
   * saw it (for tests: the client must shuffle).
   */
  readonly receivedInputDigests: readonly string[];
  /**
   * From now on answer with `next` (same input shape and classes), in the server's numerics: a
   * deployment whose model was swapped, e.g. for a fine-tuned copy. The caller keeps ownership.
   */
  serve(next: Classifier): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_SLOW_MS = 2000;
const DEFAULT_MAX_BATCH = 1024;

/** SHA-256 (hex) of one input's float32 bytes (host byte order). */
export function inputDigest(row: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength)).digest('hex');
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function badRequest(message: string): HttpProblem {
  return new HttpProblem(400, message);
}

/** How one JSON input value becomes a float32 (throws 400 for values the encoding does not allow). */
type ValueReader = ServedInput['read'];

const readFloat: ValueReader = (v, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${where} is not a finite number`);
  return v;
};

/** 8-bit levels scaled to [min, max] in float32 (q / 255 first, as `x.float() / 255` does). */
function levelReader(range: { min: number; max: number }): ValueReader {
  return (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw badRequest(`${where} is not an integer in [0, 255]`);
    return Math.fround(range.min + Math.fround(range.max - range.min) * Math.fround(v / 255));
  };
}

function scoresJson(scores: Float32Array | ArrayLike<number>, from: number, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(float32Json(scores[from + i]!));
  return parts.join(',');
}

function credentialMatches(header: string | undefined, credential: string): boolean {
  const m = /^Bearer ([^\s]+)$/.exec(header ?? '');
  if (m === null) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(credential).digest();
  return timingSafeEqual(a, b);
}

export async function startInferenceServer(options: InferenceServerOptions): Promise<RunningInferenceServer> {
  const { protocol, modelName } = options;
  const numerics = options.numerics ?? 'FP32';
  // The emulated copy is the server's own; the caller's classifier is never changed.
  let classifier = numerics === 'FP32' ? options.classifier : await emulateNumerics(options.classifier, numerics);
  /** What the server may dispose of when it swaps or closes: its own emulated copies only. */
  let served = options.classifier;
  const uint8 = options.inputEncoding === 'UINT8';
  const read = uint8 ? levelReader(options.inputRange ?? { min: 0, max: 1 }) : readFloat;
  const clip = options.inputRange;
  const behaviour = options.behaviour ?? 'normal';
  const slowMs = options.slowMs ?? DEFAULT_SLOW_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const shape = classifier.inputShape;
  const numClasses = classifier.numClasses;
  // Scores per answer: one for a one-output binary classifier, as a real deployment of it answers.
  const answerColumns = classifier.binaryOutput === undefined ? numClasses : 1;
  const rowSize = shape.reduce((a, b) => a * b, 1);
  const codec = PROTOCOL_CODECS[protocol];
  const input: ServedInput = { shape, maxBatch, read, datatype: uint8 ? 'UINT8' : 'FP32' };

  let requests = 0;
  const traceparents: string[] = [];
  let closed = false;
  const digests: string[] = [];
  const seenDigests = new Set<string>();
  const flakySeen = new Set<string>();
  const pendingDelays = new Set<() => void>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        pendingDelays.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      pendingDelays.add(done);
    });

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const sendError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify({ error: message }), headers);

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBody) {
        reject(new HttpProblem(413, `body larger than ${maxBody} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        if (over) return;
        total += c.length;
        if (total > maxBody) {
          over = true;
          reject(new HttpProblem(413, `body larger than ${maxBody} bytes`));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (!over) resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
    });

  const infer = async (parsed: ServedRequest): Promise<Float32Array> => {
    if (options.onnxRuntime !== undefined) {
      const { scores, outputs } = await onnxRuntimeLabels(options.onnxRuntime, parsed.data, shape);
      if (outputs !== answerColumns) throw new HttpProblem(500, 'model produced an unexpected output shape');
      return scores;
    }
    const out = tf.tidy(() => {
      const x = tf.tensor(parsed.data, [parsed.batch, ...shape], 'float32');
      const scores = classifier.predict(x);
      // A one-output binary model answers its one score (p or z: the second of [1 - p, p] / [0, z]).
      return classifier.binaryOutput === undefined ? scores : tf.slice(scores, [0, 1], [-1, 1]);
    });
    try {
      if (out.shape.length !== 2 || out.shape[0] !== parsed.batch || out.shape[1] !== answerColumns) {
        throw new HttpProblem(500, 'model produced an unexpected output shape');
      }
      return out.dataSync() as Float32Array;
    } finally {
      out.dispose();
    }
  };

  const record = (parsed: ServedRequest) => {
    for (let i = 0; i < parsed.batch; i++) {
      const d = inputDigest(parsed.data.subarray(i * rowSize, (i + 1) * rowSize));
      if (!seenDigests.has(d)) {
        seenDigests.add(d);
        digests.push(d);
      }
    }
  };

  const respond = (res: ServerResponse, parsed: ServedRequest, scores: Float32Array) => {
    // wrong-shape: one row too many (the last row repeated).
    const rows = behaviour === 'wrong-shape' ? parsed.batch + 1 : parsed.batch;
    const rowAt = (r: number) => Math.min(r, parsed.batch - 1) * answerColumns;
    const rowJson = (r: number) => scoresJson(scores, rowAt(r), answerColumns);
    send(res, 200, codec.encodeAnswer({ rows, columns: answerColumns, rowJson, modelName, ...(parsed.id === undefined ? {} : { id: parsed.id }) }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++;
    if (typeof req.headers.traceparent === 'string') traceparents.push(req.headers.traceparent);
    if (options.credential !== undefined && !credentialMatches(req.headers.authorization, options.credential)) {
      req.resume();
      sendError(res, 401, 'missing or invalid credential', { 'www-authenticate': 'Bearer' });
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const segment = codec.modelOfPath(pathname);
    let name: string | undefined;
    try {
      name = segment === null ? undefined : decodeURIComponent(segment);
    } catch {
      name = undefined;
    }
    if (name !== modelName) {
      req.resume();
      sendError(res, 404, segment === null ? 'no such route' : 'no such model');
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      sendError(res, 405, 'use POST', { allow: 'POST' });
      return;
    }
    const body = await readBody(req);
    if (behaviour === 'http-500') {
      sendError(res, 500, 'simulated internal error');
      return;
    }
    if (behaviour === 'flaky') {
      const key = createHash('sha256').update(body).digest('hex');
      if (!flakySeen.has(key)) {
        flakySeen.add(key);
        sendError(res, 503, 'simulated transient failure');
        return;
      }
    }
    if (behaviour === 'garbage') {
      if (!res.destroyed) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
      }
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('body is not valid JSON');
    }
    let parsed: ServedRequest;
    try {
      parsed = codec.decodeRequest(json, input);
    } catch (error) {
      throw error instanceof RequestRefused ? badRequest(error.message) : error;
    }
    record(parsed);
    if (clip !== undefined) for (let i = 0; i < parsed.data.length; i++) parsed.data[i] = Math.min(clip.max, Math.max(clip.min, parsed.data[i]!));
    const scores = await infer(parsed);
    if (behaviour === 'slow') {
      await delay(slowMs);
      if (closed) {
        res.destroy();
        return;
      }
    }
    respond(res, parsed, scores);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpProblem) {
        const headers: Record<string, string> = e.status === 413 ? { connection: 'close' } : {};
        sendError(res, e.status, e.message, headers);
        if (e.status === 413) req.resume();
      } else {
        sendError(res, 500, 'internal error');
      }
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  // It shares a process with code that keeps the event loop busy for seconds (generation in tests,
  // fine-tuning in the demo): at Node's default of 5 s, the server's keep-alive timer could fire
  // after such a block and close a reused connection under a request that had already arrived.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get traceparents() {
      return traceparents;
    },
    get receivedInputDigests() {
      return digests;
    },
    serve: async (next) => {
      if (next.numClasses !== numClasses || next.binaryOutput !== served.binaryOutput || next.inputShape.length !== shape.length || next.inputShape.some((d, i) => d !== shape[i])) {
        throw new Error(`the served model must take [${shape.join(', ')}] and answer ${numClasses} classes, as the first did`);
      }
      const previous = classifier;
      classifier = numerics === 'FP32' ? next : await emulateNumerics(next, numerics);
      if (previous !== served) previous.dispose();
      served = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        closed = true;
        for (const done of [...pendingDelays]) done();
        if (classifier !== served) classifier.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
