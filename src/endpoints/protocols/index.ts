/** The serving protocols Fragmark speaks: one codec per file, registered here. */
import { kserveV2 } from './kserve-v2.ts';
import type { EndpointProtocol, ProtocolCodec } from './protocol-codec.ts';
import { tfServingRest } from './tf-serving-rest.ts';

export type { EndpointProtocol, ProtocolCodec, RequestRows, ServedAnswer, ServedInput, ServedRequest } from './protocol-codec.ts';
export { RequestRefused } from './protocol-codec.ts';
export { float32Json } from './json-values.ts';

export const PROTOCOL_CODECS: Readonly<Record<EndpointProtocol, ProtocolCodec>> = Object.freeze({
  TF_SERVING_REST: tfServingRest,
  KSERVE_V2: kserveV2,
});

export const ENDPOINT_PROTOCOLS = Object.keys(PROTOCOL_CODECS) as readonly EndpointProtocol[];
