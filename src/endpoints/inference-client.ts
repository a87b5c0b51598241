/**
 * Queries a deployed classifier through its inference endpoint and returns one argmax label per
 * input. This is how a remote model is verified: the triggers are sent, the labels compared with
 * the secret key labels (engine `verifyLabels`).
 *
 * Protocols:
 *
 * - TF Serving REST predict: `POST {url}/v1/models/{modelName}:predict` with
 *   `{"instances": [<nested arrays of shape inputShape>, ...]}`, answered by
 *   `{"predictions": [[score x numClasses], ...]}`.
 * - KServe v2 / Open Inference Protocol: `POST {url}/v2/models/{modelName}/infer` with
 *   `{"inputs":[{"name":"input","shape":[batch, ...inputShape],"datatype":"FP32","data":[flat row-major]}]}`,
 *   answered by `{"outputs":[{"name":...,"shape":[batch, numClasses],"datatype":"FP32"|"FP64","data":[flat]}]}`
 *   (nested `data` matching `shape` is accepted too).
 *
 * Inputs given as a Uint8Array are 8-bit levels (UINT8 input domains, src/engine/serving/input-domain.ts)
 * and go out as JSON integers: TF Serving integer instances, KServe v2 `"datatype":"UINT8"`.
 *
 * Inputs go out in a random order (CSPRNG shuffle) so that an endpoint cannot tell which position
 * of a trigger set it is answering; the labels come back in the caller's order.
 *
 * Numbers: every float32 input is written as the shortest decimal of its exact value as a double
 * (`String(Number(f32))`, and `-0.0` for negative zero), so a server that parses the JSON into
 * float32 (as TF Serving and KServe do for FP32 inputs) or into float64 gets exactly the bits we
 * hold. Servers must parse inputs into float32: fragile triggers sit on decision boundaries, so a
 * model run in another precision may answer differently. NaN and infinities are refused (JSON
 * cannot carry them).
 *
 * Egress: the URL's host must be an address the egress policy allows (`options.egress`, default
 * DEFAULT_EGRESS_POLICY: no loopback, private, link-local, ... address; see egress-policy.ts). IP
 * literals are refused before anything is sent; host names are resolved once by the policy's
 * own lookup and the connection goes to a checked address (no DNS rebinding). The model name
 * must be one path segment and the query string must not carry credentials (endpoint-url.ts).
 *
 * Failure policy: any problem (network, timeout, HTTP status, malformed or mis-shaped answer,
 * non-finite score, cancellation, egress refusal) throws an `EndpointError`; partial labels are never returned,
 * so a verification ends ERROR rather than INTACT/TAMPERED when the endpoint misbehaves.
 * Network errors, timeouts, 5xx and 429 are retried a bounded number of times with exponential
 * backoff (200 ms, 400 ms, ...; a `Retry-After` of up to 10 s is honoured). Other 4xx and bad
 * answers are not retried. Redirects are not followed (a 3xx is an HTTP error), so the credential
 * never travels to another host. The credential is sent as `Authorization: Bearer <credential>`
 * and never appears in errors.
 *
 * Error messages never carry what the endpoint sent back: a non-2xx answer is reported by its
 * status code and body size, a bad 2xx answer by what is wrong with it (class of the problem,
 * counts), never by echoing its text. They are stored as a verification's `errorReason` and a
 * job's `error`, which every VIEWER of the tenant reads: the endpoint must not be able to use them
 * as a channel (an internal service's answer read back through Fragmark).
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EndpointError, type EndpointErrorCode } from './endpoint.errors.ts';
import { DEFAULT_EGRESS_POLICY, egressRefusalMessage, isEgressRefused, networkErrorCode, peerCertificateOf, type EgressPolicy, type Transport } from './egress-policy.ts';
import { credentialInQuery, credentialProblem, modelNameProblem, redact } from './endpoint-url.ts';
import { processMetrics, secondsSince } from '../metrics/metrics.ts';
import { outboundTraceHeaders } from '../tracing/trace-context.ts';

export type EndpointProtocol = 'TF_SERVING_REST' | 'KSERVE_V2';

export const ENDPOINT_PROTOCOLS: readonly EndpointProtocol[] = ['TF_SERVING_REST', 'KSERVE_V2'];

export interface EndpointTarget {
  /** Base URL, http(s), with or without a trailing slash, may carry a path prefix. */
  url: string;
  protocol: EndpointProtocol;
  modelName: string;
  /** Sent as `Authorization: Bearer <credential>` when set (empty string = none). */
  credential?: string | null;
  /** KServe v2 only: name of the input tensor (default "input"). */
  inputName?: string | null;
}

export interface QueryOptions {
  /** Inputs per request, default 16. */
  batchSize?: number;
  /** Per request (including reading the answer), default 10000. */
  timeoutMs?: number;
  /** Retries on network errors, timeouts, 5xx and 429; default 2 (so at most 3 attempts per batch). */
  retries?: number;
  signal?: AbortSignal;
  /** Which addresses may be queried; default DEFAULT_EGRESS_POLICY (no allow-list). */
  egress?: EgressPolicy;
  /**
   * For tests only; default the egress policy's transport. IP literals are still checked against
   * the policy; host names are not resolved (the injected function gets the URL as is).
   */
  fetch?: typeof fetch;
  /**
   * The model is a binary classifier with one output (numClasses 2): the endpoint answers one
   * score per input, a sigmoid probability p or a logit z, read as the two classes' scores
   * [1 - p, p] or [0, z] exactly as the engine reads the model (src/engine/model/binary.ts).
   */
  binaryOutput?: BinaryOutput | null;
}

export type BinaryOutput = 'SIGMOID' | 'LOGIT';

/** A model version's recorded binaryOutput column as the query option (null: not a one-output model). */
export function binaryOutputOf(recorded: string | null | undefined): BinaryOutput | null {
  if (recorded === null || recorded === undefined) return null;
  if (recorded === 'SIGMOID' || recorded === 'LOGIT') return recorded;
  throw new Error(`unknown binaryOutput ${JSON.stringify(recorded)}`);
}

export interface EndpointQueryResult {
  /** Argmax label per input, in the caller's order. */
  labels: Int32Array;
  /** Top-1 minus top-2 score per input, in the endpoint's own units (probabilities or logits). */
  margins: Float64Array;
  /** HTTP requests sent, retries included. */
  requests: number;
  elapsedMs: number;
  /**
   * https: SHA-256 (hex) of the DER of the certificate the server presented. Every answer of one
   * query must come with the same certificate (else ENDPOINT_BAD_RESPONSE): an attestation names
   * one server. Null over http, or with an injected `fetch`.
   */
  tlsCertificateSha256: string | null;
}

export const DEFAULT_BATCH_SIZE = 16;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;
export const BACKOFF_START_MS = 200;
const MAX_BATCH_SIZE = 4096;
const MAX_RETRIES = 10;
const MAX_RETRY_AFTER_MS = 10_000;
/** Answer size cap: generous room per score plus a fixed allowance for envelope fields. */
const RESPONSE_BYTES_PER_SCORE = 64;
const RESPONSE_BYTES_BASE = 1 << 20;
/** A non-2xx answer's body is read (to measure it, never to keep it) up to this many bytes. */
const ERROR_BODY_BYTES = 64 * 1024;

function fail(code: EndpointErrorCode, message: string, details: { status?: number; requests?: number; cause?: unknown; field?: string[] } = {}): EndpointError {
  return new EndpointError(code, message, details);
}

function invalidRequest(message: string): EndpointError {
  return fail('ENDPOINT_INVALID_REQUEST', message);
}

// ---------------------------------------------------------------------------------------------
// Argument checks

interface Endpoint {
  /** Full request URL. */
  readonly url: string;
  /** URL without query string, for messages. */
  readonly display: string;
  readonly headers: Record<string, string>;
  readonly encode: (data: Float32Array | Uint8Array, rows: readonly number[], rowSize: number) => string;
  readonly decode: (json: unknown, batch: number) => Float64Array;
}

function checkTarget(target: EndpointTarget): void {
  if (target === null || typeof target !== 'object') throw invalidRequest('endpoint target is missing');
  if (!(ENDPOINT_PROTOCOLS as readonly string[]).includes(target.protocol)) {
    throw invalidRequest(`unknown endpoint protocol "${String(target.protocol)}" (expected ${ENDPOINT_PROTOCOLS.join(' or ')})`);
  }
  if (typeof target.modelName !== 'string') throw invalidRequest('endpoint model name must be a string');
  const nameProblem = modelNameProblem(target.modelName);
  if (nameProblem) throw invalidRequest(`endpoint model name ${nameProblem}`);
  const cred = target.credential;
  if (cred !== undefined && cred !== null && (typeof cred !== 'string' || credentialProblem(cred) !== null)) {
    // Never echo the value.
    throw invalidRequest(`endpoint credential ${credentialProblem(String(cred))}`);
  }
  const name = target.inputName;
  if (name !== undefined && name !== null && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    throw invalidRequest('endpoint input name must be a non-empty string of at most 256 characters');
  }
}

function baseUrl(raw: string, credential: string | null | undefined, egress: EgressPolicy): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidRequest('endpoint URL is not a valid absolute URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidRequest(`endpoint URL must be http or https (got ${u.protocol})`);
  if (u.username !== '' || u.password !== '') throw invalidRequest('endpoint URL must not contain user info; use the credential');
  if (u.hash !== '') throw invalidRequest('endpoint URL must not contain a fragment');
  const param = credentialInQuery(u, credential);
  if (param !== null) throw invalidRequest(`endpoint URL must not carry a credential in its query string (parameter "${param.slice(0, 64)}"); use the credential`);
  // The WHATWG parser has already normalised 2130706433, 0x7f.1, 127.1 and [::ffff:127.0.0.1].
  const refused = egress.checkHost(u.hostname);
  if (refused !== undefined && refused !== null) {
    throw fail('ENDPOINT_FORBIDDEN', `endpoint ${u.hostname} (${refused} address) is refused by the egress policy (an administrator can allow it with FRAGMARK_EGRESS_ALLOW)`);
  }
  return u;
}

function buildEndpoint(target: EndpointTarget, inputShape: readonly number[], numClasses: number, egress: EgressPolicy): Endpoint {
  const base = baseUrl(target.url, target.credential, egress);
  const prefix = base.pathname.replace(/\/+$/, '');
  const model = encodeURIComponent(target.modelName);
  const path = target.protocol === 'TF_SERVING_REST' ? `${prefix}/v1/models/${model}:predict` : `${prefix}/v2/models/${model}/infer`;
  const url = new URL(base.href);
  url.pathname = path;
  const display = `${url.origin}${url.pathname}`;
  // The current trace (the job's) continues at the endpoint: W3C traceparent, ids only.
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...outboundTraceHeaders() };
  if (typeof target.credential === 'string' && target.credential !== '') headers.authorization = `Bearer ${target.credential}`;
  if (target.protocol === 'TF_SERVING_REST') {
    return {
      url: url.href,
      display,
      headers,
      encode: (data, rows, rowSize) => encodeTfServing(data, rows, rowSize, inputShape),
      decode: (json, batch) => decodeTfServing(json, batch, numClasses),
    };
  }
  const inputName = typeof target.inputName === 'string' ? target.inputName : 'input';
  return {
    url: url.href,
    display,
    headers,
    encode: (data, rows, rowSize) => encodeKserve(data, rows, rowSize, inputShape, inputName),
    decode: (json, batch) => decodeKserve(json, batch, numClasses),
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Exact JSON text of a finite float32 value (see module comment). */
export function float32Json(v: number): string {
  if (v === 0 && Object.is(v, -0)) return '-0.0';
  return String(v);
}

/** JSON text of one input value: integers for 8-bit levels, exact decimals for float32. */
function valueJson(data: Float32Array | Uint8Array, i: number): string {
  return data instanceof Uint8Array ? String(data[i]!) : float32Json(data[i]!);
}

function encodeTfServing(data: Float32Array | Uint8Array, rows: readonly number[], rowSize: number, shape: readonly number[]): string {
  const out: string[] = ['{"instances":['];
  rows.forEach((row, r) => {
    if (r > 0) out.push(',');
    let pos = row * rowSize;
    const rec = (d: number): void => {
      out.push('[');
      const len = shape[d]!;
      const leaf = d === shape.length - 1;
      for (let i = 0; i < len; i++) {
        if (i > 0) out.push(',');
        if (leaf) out.push(valueJson(data, pos++));
        else rec(d + 1);
      }
      out.push(']');
    };
    rec(0);
  });
  out.push(']}');
  return out.join('');
}

function encodeKserve(data: Float32Array | Uint8Array, rows: readonly number[], rowSize: number, shape: readonly number[], inputName: string): string {
  const datatype = data instanceof Uint8Array ? 'UINT8' : 'FP32';
  const out: string[] = [
    `{"inputs":[{"name":${JSON.stringify(inputName)},"shape":${JSON.stringify([rows.length, ...shape])},"datatype":"${datatype}","data":[`,
  ];
  let first = true;
  for (const row of rows) {
    const start = row * rowSize;
    for (let i = 0; i < rowSize; i++) {
      if (!first) out.push(',');
      first = false;
      out.push(valueJson(data, start + i));
    }
  }
  out.push(']}]}');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Decoding

function bad(message: string): EndpointError {
  return fail('ENDPOINT_BAD_RESPONSE', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function finiteScore(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`non-finite or non-numeric score at ${where}`);
  return v;
}

function decodeTfServing(json: unknown, batch: number, numClasses: number): Float64Array {
  if (!isObject(json)) throw bad('TF Serving answer is not a JSON object');
  const preds = json.predictions;
  if (!Array.isArray(preds)) {
    throw bad(typeof json.error === 'string' ? 'TF Serving answer holds an error instead of predictions' : 'TF Serving answer has no "predictions" array');
  }
  if (preds.length !== batch) throw bad(`TF Serving answer has ${preds.length} predictions for ${batch} instances`);
  const scores = new Float64Array(batch * numClasses);
  preds.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw bad(`prediction ${i} is not an array of scores`);
    if (row.length !== numClasses) throw bad(`prediction ${i} has ${row.length} scores, expected ${numClasses}`);
    for (let c = 0; c < numClasses; c++) scores[i * numClasses + c] = finiteScore(row[c], `prediction ${i}, class ${c}`);
  });
  return scores;
}

function decodeKserve(json: unknown, batch: number, numClasses: number): Float64Array {
  if (!isObject(json)) throw bad('KServe v2 answer is not a JSON object');
  const outputs = json.outputs;
  if (!Array.isArray(outputs)) throw bad('KServe v2 answer has no "outputs" array');
  if (outputs.length !== 1) throw bad(`KServe v2 answer has ${outputs.length} outputs, expected exactly 1`);
  const out: unknown = outputs[0];
  if (!isObject(out)) throw bad('KServe v2 output is not an object');
  const { shape, datatype, data } = out;
  if (datatype !== 'FP32' && datatype !== 'FP64') throw bad(`KServe v2 output datatype must be FP32 or FP64 (got ${describeDatatype(datatype)})`);
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== batch || shape[1] !== numClasses) {
    throw bad(`KServe v2 output shape must be [${batch},${numClasses}] (got ${describeShape(shape)})`);
  }
  if (!Array.isArray(data)) throw bad('KServe v2 output has no "data" array');
  const fp32 = datatype === 'FP32';
  const scores = new Float64Array(batch * numClasses);
  const put = (k: number, v: unknown): void => {
    const s = finiteScore(v, `output element ${k}`);
    scores[k] = fp32 ? Math.fround(s) : s;
  };
  if (data.length > 0 && Array.isArray(data[0])) {
    // Nested form: [batch][numClasses].
    if (data.length !== batch) throw bad(`KServe v2 output data has ${data.length} rows, expected ${batch}`);
    data.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== numClasses) throw bad(`KServe v2 output data row ${i} does not hold ${numClasses} scores`);
      for (let c = 0; c < numClasses; c++) put(i * numClasses + c, row[c]);
    });
  } else {
    if (data.length !== batch * numClasses) throw bad(`KServe v2 output data has ${data.length} values, expected ${batch * numClasses}`);
    for (let k = 0; k < data.length; k++) put(k, data[k]);
  }
  return scores;
}

/** The KServe v2 datatypes, the only answer text an error message may repeat. */
const KSERVE_DATATYPES = new Set(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BF16', 'BYTES']);

function describeDatatype(v: unknown): string {
  if (typeof v === 'string' && KSERVE_DATATYPES.has(v)) return v;
  if (v === undefined) return 'none';
  return typeof v === 'string' ? `an unknown datatype of ${v.length} characters` : `a ${v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v}`;
}

function describeShape(v: unknown): string {
  if (v === undefined) return 'none';
  if (Array.isArray(v) && v.length <= 8 && v.every((d) => Number.isSafeInteger(d))) return `[${v.join(',')}]`;
  return Array.isArray(v) ? `a list of ${v.length} values that is not a shape` : `a ${v === null ? 'null' : typeof v}`;
}

/** Top-1 minus top-2 of row `r`. */
function topMargin(scores: ArrayLike<number>, r: number, cols: number): number {
  let first = Number.NEGATIVE_INFINITY;
  let second = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < cols; c++) {
    const v = scores[r * cols + c]!;
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) second = v;
  }
  return first - second;
}

/** One score per row (p or z) as the two classes' scores [1 - p, p] or [0, z]. */
export function twoClassScores(single: Float64Array, binaryOutput: BinaryOutput): Float64Array {
  const scores = new Float64Array(single.length * 2);
  single.forEach((v, i) => {
    scores[2 * i] = binaryOutput === 'SIGMOID' ? Math.fround(1 - v) : 0;
    scores[2 * i + 1] = v;
  });
  return scores;
}

/** Index of the largest score in each row; ties go to the lowest index. */
export function argmaxRows(scores: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestScore = scores[r * cols]!;
    for (let c = 1; c < cols; c++) {
      const s = scores[r * cols + c]!;
      if (s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    labels[r] = best;
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------
// Transport

/** Uniform random permutation of 0..n-1 from the CSPRNG (Fisher-Yates). */
export function securePermutation(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

interface Attempt {
  readonly error: EndpointError;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

class AttemptFailure extends Error {
  constructor(readonly attempt: Attempt) {
    super(attempt.error.message);
  }
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array | null> {
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    buf.set(c, off);
    off += c.byteLength;
  }
  return buf;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
  return undefined;
}

/** Size of a non-2xx answer's body: the only thing about it that is kept. */
function bodySize(bytes: Uint8Array | null): string {
  if (bytes === null) return `; body over ${ERROR_BODY_BYTES} bytes, not recorded`;
  return bytes.byteLength === 0 ? '; empty body' : `; ${bytes.byteLength}-byte body, not recorded`;
}

interface SendContext {
  readonly endpoint: Endpoint;
  readonly fetchFn: Transport;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** Certificates (SHA-256 hex) that answers came with, in order of first sight. */
  readonly certificates: Set<string>;
}

/** One HTTP exchange. Returns the parsed JSON body of a 2xx answer, or throws AttemptFailure. */
async function sendOnce(ctx: SendContext, body: string, responseLimit: number): Promise<unknown> {
  const { endpoint, signal } = ctx;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ctx.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const where = `POST ${endpoint.display}`;
  const transportError = (e: unknown): AttemptFailure => {
    if (signal?.aborted) return new AttemptFailure({ error: fail('ENDPOINT_CANCELLED', `query cancelled (${where})`), retryable: false });
    if (timedOut) {
      return new AttemptFailure({ error: fail('ENDPOINT_TIMEOUT', `no complete answer within ${ctx.timeoutMs} ms (${where})`), retryable: true });
    }
    if (isEgressRefused(e)) {
      // Resolved at connect time to addresses the policy refuses: nothing was sent; not retried.
      return new AttemptFailure({ error: fail('ENDPOINT_FORBIDDEN', `endpoint refused by the egress policy: ${egressRefusalMessage(e)} (${where})`), retryable: false });
    }
    const code = networkErrorCode(e);
    return new AttemptFailure({
      error: fail('ENDPOINT_UNREACHABLE', `endpoint unreachable${code ? ` (${code})` : ''} (${where})`, { cause: e }),
      retryable: true,
    });
  };
  try {
    let res: Response;
    try {
      res = await ctx.fetchFn(endpoint.url, { method: 'POST', headers: endpoint.headers, body, redirect: 'manual', signal: controller.signal });
    } catch (e) {
      throw transportError(e);
    }
    const certificate = peerCertificateOf(res);
    if (certificate !== null) ctx.certificates.add(certificate);
    const ok = res.status >= 200 && res.status < 300;
    let bytes: Uint8Array | null;
    try {
      bytes = await readLimited(res, ok ? responseLimit : ERROR_BODY_BYTES);
    } catch (e) {
      throw transportError(e);
    }
    if (!ok) {
      const retryable = res.status >= 500 || res.status === 429;
      // Status and size only: the body is never stored or shown (it could be anything the endpoint's host serves).
      const error = fail('ENDPOINT_HTTP_ERROR', `endpoint answered HTTP ${res.status} (${where}${bodySize(bytes)})`, { status: res.status });
      throw new AttemptFailure({ error, retryable, retryAfterMs: retryable ? parseRetryAfter(res.headers.get('retry-after')) : undefined });
    }
    if (bytes === null) throw new AttemptFailure({ error: bad(`answer larger than ${responseLimit} bytes (${where})`), retryable: false });
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new AttemptFailure({ error: bad(`answer is not valid UTF-8 JSON (${where}, HTTP ${res.status})`), retryable: false });
    }
    return json;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(fail('ENDPOINT_CANCELLED', 'query cancelled'));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(fail('ENDPOINT_CANCELLED', 'query cancelled'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function positiveInt(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw invalidRequest(`${name} must be an integer in [${min}, ${max}] (got ${String(value)})`);
  return v;
}

/**
 * Sends the inputs (float32, shape [n, ...inputShape]) in random order (CSPRNG shuffle; the
 * answer is mapped back to the original order) and in batches, returns the argmax label per input.
 * Throws `EndpointError` on any failure; never returns partial labels.
 */
export async function queryEndpointLabels(
  target: EndpointTarget,
  inputs: Float32Array | Uint8Array,
  inputShape: number[],
  numClasses: number,
  options: QueryOptions = {},
): Promise<EndpointQueryResult> {
  const started = performance.now();
  const protocol = (ENDPOINT_PROTOCOLS as readonly unknown[]).includes(target?.protocol) ? target.protocol : 'unknown';
  let outcome = 'error';
  try {
    const result = await query(target, inputs, inputShape, numClasses, options);
    outcome = 'ok';
    return result;
  } catch (e) {
    if (e instanceof EndpointError) outcome = e.code;
    // Last line of defence: no message leaves with the credential in it (redacted before any truncation).
    const credential = typeof target?.credential === 'string' ? target.credential : null;
    if (e instanceof EndpointError && credential && e.message.includes(credential)) {
      throw new EndpointError(e.code, redact(e.message, [credential]), { status: e.status, requests: e.requests });
    }
    throw e;
  } finally {
    processMetrics.endpointQueries.inc({ protocol, outcome });
    processMetrics.endpointDuration.observe({ protocol, outcome }, secondsSince(started));
  }
}

async function query(
  target: EndpointTarget,
  inputs: Float32Array | Uint8Array,
  inputShape: number[],
  numClasses: number,
  options: QueryOptions,
): Promise<EndpointQueryResult> {
  const started = performance.now();
  checkTarget(target);
  if (!(inputs instanceof Float32Array) && !(inputs instanceof Uint8Array)) throw invalidRequest('inputs must be a Float32Array or (8-bit levels) a Uint8Array');
  if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw invalidRequest(`input shape must be a non-empty list of positive integers (got ${JSON.stringify(inputShape)})`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) throw invalidRequest(`numClasses must be an integer >= 2 (got ${String(numClasses)})`);
  const binaryOutput = options.binaryOutput ?? null;
  if (binaryOutput !== null && (numClasses !== 2 || (binaryOutput !== 'SIGMOID' && binaryOutput !== 'LOGIT'))) {
    throw invalidRequest(`binaryOutput ${String(binaryOutput)} needs numClasses 2 and SIGMOID or LOGIT`);
  }
  // Scores per answer row: one for a one-output binary classifier.
  const answerColumns = binaryOutput === null ? numClasses : 1;
  const rowSize = inputShape.reduce((a, b) => a * b, 1);
  if (inputs.length % rowSize !== 0) throw invalidRequest(`inputs hold ${inputs.length} values, not a multiple of ${rowSize} (shape [${inputShape.join(',')}])`);
  for (let i = 0; i < inputs.length; i++) {
    if (!Number.isFinite(inputs[i]!)) throw invalidRequest(`input value ${i} is not finite (JSON cannot carry NaN or infinity)`);
  }
  const batchSize = positiveInt(options.batchSize, DEFAULT_BATCH_SIZE, 'batchSize', 1, MAX_BATCH_SIZE);
  const retries = positiveInt(options.retries, DEFAULT_RETRIES, 'retries', 0, MAX_RETRIES);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidRequest(`timeoutMs must be a positive number (got ${String(options.timeoutMs)})`);
  const signal = options.signal;
  const egress = options.egress ?? DEFAULT_EGRESS_POLICY;
  const endpoint = buildEndpoint(target, inputShape, answerColumns, egress);
  const ctx: SendContext = { endpoint, fetchFn: options.fetch ?? egress.transport, timeoutMs, signal, certificates: new Set() };

  const n = inputs.length / rowSize;
  const order = securePermutation(n);
  const labels = new Int32Array(n);
  const margins = new Float64Array(n);
  let requests = 0;
  const cancelled = () => fail('ENDPOINT_CANCELLED', `query cancelled after ${requests} requests`, { requests });

  for (let start = 0; start < n; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const body = endpoint.encode(inputs, rows, rowSize);
    const responseLimit = RESPONSE_BYTES_BASE + rows.length * answerColumns * RESPONSE_BYTES_PER_SCORE;
    let json: unknown;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw cancelled();
      requests++;
      try {
        json = await sendOnce(ctx, body, responseLimit);
        break;
      } catch (e) {
        if (!(e instanceof AttemptFailure)) throw e;
        const { error, retryable, retryAfterMs } = e.attempt;
        if (error.code === 'ENDPOINT_CANCELLED') throw cancelled();
        if (!retryable || attempt >= retries) {
          const suffix = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
          throw new EndpointError(error.code, `${error.message}${suffix}`, { status: error.status, requests, cause: error.cause });
        }
        const backoff = BACKOFF_START_MS * 2 ** attempt;
        try {
          await sleep(Math.max(backoff, retryAfterMs ?? 0), signal);
        } catch {
          throw cancelled();
        }
      }
    }
    let scores: Float64Array;
    try {
      scores = endpoint.decode(json, rows.length);
      if (binaryOutput !== null) scores = twoClassScores(scores, binaryOutput);
    } catch (e) {
      if (e instanceof EndpointError) throw new EndpointError(e.code, `${e.message} (POST ${endpoint.display})`, { requests });
      throw e;
    }
    const batchLabels = argmaxRows(scores, rows.length, numClasses);
    rows.forEach((row, j) => {
      labels[row] = batchLabels[j]!;
      margins[row] = topMargin(scores, j, numClasses);
    });
  }
  if (ctx.certificates.size > 1) {
    throw bad(`the endpoint presented ${ctx.certificates.size} different TLS certificates during one query, so no single server can be attested (POST ${endpoint.display})`);
  }
  const [tlsCertificateSha256 = null] = ctx.certificates;
  return { labels, margins, requests, elapsedMs: performance.now() - started, tlsCertificateSha256 };
}
