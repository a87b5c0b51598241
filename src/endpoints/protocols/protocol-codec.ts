/**
 * What one serving protocol is, both ways: the path of its inference call, the request body the
 * client writes and the answer it reads (inference-client.ts), and the request a server reads and
 * the answer it writes (the test inference server, test-inference-server.ts). Keeping both halves
 * in one file per protocol means the tests' server cannot drift from what the client sends.
 */
import { EndpointError } from '../endpoint.errors.ts';

export type EndpointProtocol = 'TF_SERVING_REST' | 'KSERVE_V2';

/** The rows of one request: `rows` index rows of `rowSize` values in `data`, each of shape `shape`. */
export interface RequestRows {
  /** float32 values, or 8-bit levels (sent as JSON integers). */
  readonly data: Float32Array | Uint8Array;
  readonly rows: readonly number[];
  readonly rowSize: number;
  readonly shape: readonly number[];
  /** KServe v2: the input tensor's name. */
  readonly inputName: string;
}

/** A request as a server read it: `batch` rows of float32 values, and the request id if any. */
export interface ServedRequest {
  readonly batch: number;
  readonly data: Float32Array;
  readonly id?: string;
}

/** What a server expects of a request. */
export interface ServedInput {
  readonly shape: readonly number[];
  readonly maxBatch: number;
  /** The input tensor's datatype (KServe v2): FP32 values or UINT8 levels. */
  readonly datatype: 'FP32' | 'UINT8';
  /** How one JSON value becomes a float32; throws RequestRefused for values the encoding does not allow. */
  readonly read: (value: unknown, where: string) => number;
}

/** An answer as a server writes it: `rows` rows of `columns` scores, each row already JSON text. */
export interface ServedAnswer {
  readonly rows: number;
  readonly columns: number;
  /** JSON numbers of row `r`, comma-separated (no brackets). */
  readonly rowJson: (r: number) => string;
  readonly modelName: string;
  readonly id?: string;
}

export interface ProtocolCodec {
  readonly protocol: EndpointProtocol;
  /** Path of the inference call below the endpoint's base path `prefix` (no trailing slash). */
  path(prefix: string, encodedModelName: string): string;
  /** Client: the JSON request body. */
  encodeRequest(request: RequestRows): string;
  /** Client: the scores (row-major, `batch` x `columns`) of a parsed answer; throws ENDPOINT_BAD_RESPONSE. */
  decodeAnswer(json: unknown, batch: number, columns: number): Float64Array;
  /** Server: the model name of a request path, or null when the path is not an inference call. */
  modelOfPath(path: string): string | null;
  /** Server: the parsed request body; throws RequestRefused. */
  decodeRequest(json: unknown, input: ServedInput): ServedRequest;
  /** Server: the JSON answer body. */
  encodeAnswer(answer: ServedAnswer): string;
}

/** A request the server side refuses (HTTP 400); its message is safe to send back. */
export class RequestRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** A 2xx answer that is not what the protocol says. Its message never repeats the answer's text. */
export function badAnswer(message: string): EndpointError {
  return new EndpointError('ENDPOINT_BAD_RESPONSE', message);
}
