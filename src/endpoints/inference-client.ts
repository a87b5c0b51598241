/**
 * Queries a deployed classifier through its inference endpoint and returns one argmax label per
 * input. This is how a remote model is verified: the triggers are sent, the labels compared with
 * the secret key labels (engine `verifyLabels`).
 *
 * Protocols: TF Serving REST predict and KServe v2 (Open Inference Protocol), one codec each in
 * `protocols/`; the HTTP exchange and its retries are `http-transport.ts`. This file checks the
 * target and inputs, batches and shuffles them, and turns the answers' scores into labels.
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
 * so a verification ends ERROR rather than INTACT/TAMPERED when the endpoint misbehaves. Retries
 * and redirects: http-transport.ts. The credential is sent as `Authorization: Bearer <credential>`
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
import { DEFAULT_EGRESS_POLICY, type EgressPolicy } from './egress-policy.ts';
import { credentialInQuery, credentialProblem, modelNameProblem, redact } from './endpoint-url.ts';
import { postWithRetries, type HttpExchange } from './http-transport.ts';
import { ENDPOINT_PROTOCOLS, PROTOCOL_CODECS, type EndpointProtocol, type ProtocolCodec } from './protocols/index.ts';
import { badAnswer } from './protocols/protocol-codec.ts';
import { processMetrics, secondsSince } from '../metrics/metrics.ts';
import { outboundTraceHeaders } from '../tracing/trace-context.ts';

export { ENDPOINT_PROTOCOLS, float32Json, type EndpointProtocol } from './protocols/index.ts';

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
const MAX_BATCH_SIZE = 4096;
const MAX_RETRIES = 10;
/** Answer size cap: generous room per score plus a fixed allowance for envelope fields. */
const RESPONSE_BYTES_PER_SCORE = 64;
const RESPONSE_BYTES_BASE = 1 << 20;

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
  readonly codec: ProtocolCodec;
  /** KServe v2: the input tensor's name. */
  readonly inputName: string;
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

function buildEndpoint(target: EndpointTarget, egress: EgressPolicy): Endpoint {
  const base = baseUrl(target.url, target.credential, egress);
  const codec = PROTOCOL_CODECS[target.protocol];
  const url = new URL(base.href);
  url.pathname = codec.path(base.pathname.replace(/\/+$/, ''), encodeURIComponent(target.modelName));
  // The current trace (the job's) continues at the endpoint: W3C traceparent, ids only.
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...outboundTraceHeaders() };
  if (typeof target.credential === 'string' && target.credential !== '') headers.authorization = `Bearer ${target.credential}`;
  const inputName = typeof target.inputName === 'string' ? target.inputName : 'input';
  return { url: url.href, display: `${url.origin}${url.pathname}`, headers, codec, inputName };
}

// ---------------------------------------------------------------------------------------------
// Labels from scores

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
  const endpoint = buildEndpoint(target, egress);
  const exchange: HttpExchange = { url: endpoint.url, display: endpoint.display, headers: endpoint.headers, fetchFn: options.fetch ?? egress.transport, timeoutMs, signal, certificates: new Set() };

  const n = inputs.length / rowSize;
  const order = securePermutation(n);
  const labels = new Int32Array(n);
  const margins = new Float64Array(n);
  let requests = 0;
  const cancelled = () => fail('ENDPOINT_CANCELLED', `query cancelled after ${requests} requests`, { requests });

  for (let start = 0; start < n; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const body = endpoint.codec.encodeRequest({ data: inputs, rows, rowSize, shape: inputShape, inputName: endpoint.inputName });
    const responseLimit = RESPONSE_BYTES_BASE + rows.length * answerColumns * RESPONSE_BYTES_PER_SCORE;
    const json = await postWithRetries(exchange, body, responseLimit, retries, () => ++requests, cancelled);
    let scores: Float64Array;
    try {
      scores = endpoint.codec.decodeAnswer(json, rows.length, answerColumns);
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
  if (exchange.certificates.size > 1) {
    throw badAnswer(`the endpoint presented ${exchange.certificates.size} different TLS certificates during one query, so no single server can be attested (POST ${endpoint.display})`);
  }
  const [tlsCertificateSha256 = null] = exchange.certificates;
  return { labels, margins, requests, elapsedMs: performance.now() - started, tlsCertificateSha256 };
}
